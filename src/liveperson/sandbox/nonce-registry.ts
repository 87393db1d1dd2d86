// Nonces seen per consumer key, as LiveDeflect tracks them. An entry is only needed while its timestamp is still
// inside the accepted window (an older request is refused as stale anyway), so older entries are pruned.

export interface NonceRegistry {
  /** Records the nonce; false when this consumer already used it. */
  claim(consumerKey: string, nonce: string, timestampSeconds: number, nowSeconds: number): boolean;
  size(): number;
}

export function createNonceRegistry(windowSeconds: number): NonceRegistry {
  const byConsumer = new Map<string, Map<string, number>>();
  let lastPrune = -Infinity;

  const prune = (nowSeconds: number): void => {
    if (nowSeconds === lastPrune) return;
    lastPrune = nowSeconds;
    for (const [consumer, nonces] of byConsumer) {
      for (const [nonce, timestamp] of nonces) if (timestamp < nowSeconds - windowSeconds) nonces.delete(nonce);
      if (nonces.size === 0) byConsumer.delete(consumer);
    }
  };

  return {
    claim(consumerKey, nonce, timestampSeconds, nowSeconds) {
      prune(nowSeconds);
      let nonces = byConsumer.get(consumerKey);
      if (!nonces) {
        nonces = new Map();
        byConsumer.set(consumerKey, nonces);
      }
      if (nonces.has(nonce)) return false;
      nonces.set(nonce, timestampSeconds);
      return true;
    },
    size: () => [...byConsumer.values()].reduce((sum, nonces) => sum + nonces.size, 0),
  };
}
