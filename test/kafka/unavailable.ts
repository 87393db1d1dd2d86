// What to do when Kafka cannot run here: outside CI, print why and skip; under CI=true, fail.
export function isCi(): boolean {
  return process.env['CI'] === 'true';
}

/** Throws under CI=true; otherwise prints the reason the Kafka suites are skipped. */
export function reportUnavailable(reason: string): void {
  if (isCi()) throw new Error(`[kafka] Kafka cannot run here, and CI=true requires the Kafka suites: ${reason}`);
  console.warn(`[kafka] Kafka cannot run here, Kafka suites are skipped: ${reason}`);
}
