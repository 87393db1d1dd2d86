// Stream → current revision, so most appends skip a SELECT. Valid only because this process is the file's
// single writer; the group commit clears it whenever PRAGMA data_version shows another connection committed.
// Least-recently-used: calls are short-lived, so the streams being appended to now are the ones worth keeping.
import { createLruMap, type LruMap } from '../shared/lru-map.js';

export type RevisionCache = LruMap<number>;

export function createRevisionCache(maxEntries = 10_000): RevisionCache {
  return createLruMap<number>(maxEntries);
}
