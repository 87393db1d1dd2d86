// A bounded cache of folded calls, least recently used out first, so a call's next event is one transition
// instead of a re-read of its stream. It is only a cache: the stream is the truth and a conflict evicts.
import type { LoadedCall } from './call-stream.js';

export interface CallCache {
  get(externalCallId: string): LoadedCall | undefined;
  /** Whether the call is cached, without making it the most recently used. */
  has(externalCallId: string): boolean;
  set(externalCallId: string, call: LoadedCall): void;
  delete(externalCallId: string): void;
  readonly size: number;
}

export function createCallCache(capacity: number): CallCache {
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  const calls = new Map<string, LoadedCall>();
  return {
    get(externalCallId) {
      const call = calls.get(externalCallId);
      if (call) {
        calls.delete(externalCallId);
        calls.set(externalCallId, call);
      }
      return call;
    },
    has(externalCallId) {
      return calls.has(externalCallId);
    },
    set(externalCallId, call) {
      calls.delete(externalCallId);
      calls.set(externalCallId, call);
      if (calls.size > capacity) {
        const oldest = calls.keys().next();
        if (!oldest.done) calls.delete(oldest.value);
      }
    },
    delete(externalCallId) {
      calls.delete(externalCallId);
    },
    get size() {
      return calls.size;
    },
  };
}
