import { describe, expect, it } from 'vitest';
import { createNonceRegistry } from './nonce-registry.js';

describe('createNonceRegistry', () => {
  it("refuses a nonce a consumer already used, but not another consumer's", () => {
    const registry = createNonceRegistry(300);
    expect(registry.claim('a', 'n1', 1000, 1000)).toBe(true);
    expect(registry.claim('a', 'n1', 1001, 1001)).toBe(false);
    expect(registry.claim('b', 'n1', 1001, 1001)).toBe(true);
  });

  it('forgets nonces whose timestamp has left the window', () => {
    const registry = createNonceRegistry(300);
    registry.claim('a', 'old', 1000, 1000);
    registry.claim('a', 'recent', 1200, 1200);
    expect(registry.size()).toBe(2);
    registry.claim('a', 'new', 1301, 1301);
    expect(registry.size()).toBe(2);
  });
});
