import { describe, expect, it } from 'vitest';
import { createNewCallGuess } from './new-call-guess.js';

describe('new-call guess', () => {
  it('is worth it while most uncached calls are new, stops after a run of existing ones, and comes back', () => {
    const guess = createNewCallGuess(10);
    expect(guess.worthIt()).toBe(true);
    for (let i = 0; i < 10; i++) guess.learn(true);
    expect(guess.worthIt()).toBe(false);
    for (let i = 0; i < 10; i++) guess.learn(false);
    expect(guess.worthIt()).toBe(true);
  });
});
