// The oldest key of a Map (insertion order), for evicting from a bounded one, in amortized O(1).
// A fresh `map.keys().next()` is not O(1) in V8: a deleted entry stays a hole in the table until the next rehash
// and a new iterator walks every hole at the front, so a map evicting its oldest entry on each insert paid
// thousands of steps per eviction (measured: the phone memo's eviction took bench:ingest from ~33k to ~30k events/s).
// One long-lived iterator never walks a hole twice: Map iterators stay valid across inserts, deletes and rehashes,
// visit entries added after them, and skip entries deleted before they are reached (ECMAScript Map iteration).

/**
 * Returns a function giving the key to evict next. It assumes the caller deletes each key it is given (or
 * re-inserts it, which moves it to the end): every live key is then still ahead of the iterator.
 */
export function oldestKeyOf<K>(map: Map<K, unknown>): () => K | undefined {
  let keys = map.keys();
  return () => {
    let next = keys.next();
    // Exhausted (the map was emptied and refilled, or a key was not deleted): start over from the front.
    if (next.done) {
      keys = map.keys();
      next = keys.next();
    }
    return next.done ? undefined : next.value;
  };
}
