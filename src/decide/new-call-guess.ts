// Whether to decide an uncached call as a new one without reading its stream first (see the decider's
// applyGroup). Usually right: most uncached calls are new, and the guess saves a read. Wrong after a restart or a
// partition handover, when the calls redelivered already have streams: each wrong guess costs a failed append
// before the read. So the guess is made only while it has mostly been right lately: every uncached call teaches
// it, whether guessed (the append conflicted or not) or read (the stream existed or not).

export interface NewCallGuess {
  /** True while most recent uncached calls were new. */
  worthIt(): boolean;
  learn(existed: boolean): void;
}

/** `memory`: how many recent calls weigh in, roughly (an exponential moving average). */
export function createNewCallGuess(memory = 100): NewCallGuess {
  const weight = 1 / memory;
  let existingShare = 0;
  return {
    worthIt: () => existingShare < 0.5,
    learn(existed) {
      existingShare += weight * ((existed ? 1 : 0) - existingShare);
    },
  };
}
