// What the Kafka global setup hands to test files through vitest's provide/inject.
declare module 'vitest' {
  export interface ProvidedContext {
    /** Bootstrap address of the broker shared by this vitest run, when the global setup started one. */
    kafkaBrokers?: string;
    /** Why the global setup started no broker (Kafka cannot run here, outside CI). */
    kafkaUnavailable?: string;
  }
}

export {};
