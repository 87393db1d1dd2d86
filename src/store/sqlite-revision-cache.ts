// Stream → current revision, so most appends skip a SELECT. Valid only because this process is the file's
// single writer; the group commit clears it whenever PRAGMA data_version shows another connection committed.

export interface RevisionCache {
  get(streamName: string): number | undefined;
  set(streamName: string, revision: number): void;
  clear(): void;
}

/** Least-recently-used: calls are short-lived, so the streams being appended to now are the ones worth keeping. */
export function createRevisionCache(maxEntries = 10_000): RevisionCache {
  const revisions = new Map<string, number>();
  return {
    get(streamName) {
      const revision = revisions.get(streamName);
      if (revision !== undefined) {
        revisions.delete(streamName);
        revisions.set(streamName, revision);
      }
      return revision;
    },
    set(streamName, revision) {
      revisions.delete(streamName);
      revisions.set(streamName, revision);
      if (revisions.size > maxEntries) {
        const oldest = revisions.keys().next();
        if (!oldest.done) revisions.delete(oldest.value);
      }
    },
    clear() {
      revisions.clear();
    },
  };
}
