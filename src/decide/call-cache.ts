// A bounded cache of folded calls, least recently used out first, so a call's next event is one transition
// instead of a re-read of its stream. It is only a cache: the stream is the truth and a conflict evicts.
import { createLruMap, type LruMap } from '../shared/lru-map.js';
import type { LoadedCall } from './call-stream.js';

export type CallCache = LruMap<LoadedCall>;

export function createCallCache(capacity: number): CallCache {
  return createLruMap<LoadedCall>(capacity);
}
