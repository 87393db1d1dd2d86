// Bounded waiting for tests: a condition is checked every few milliseconds until it holds or the deadline
// passes, and then the test fails saying what it waited for. Never a bare sleep standing in for a signal.
export async function until(condition: () => boolean | Promise<boolean>, what: () => string, timeoutMs = 20_000, everyMs = 25): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Rejects with `what` when `promise` has not settled within `timeoutMs`. */
export async function within<T>(promise: Promise<T>, what: string | (() => string), timeoutMs = 20_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`waited ${timeoutMs} ms for ${typeof what === 'string' ? what : what()}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
