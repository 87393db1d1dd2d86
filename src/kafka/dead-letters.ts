// Dead letters (invariant 9): a record that cannot become a call event goes to the dead-letter topic as it came —
// same key, same value bytes, same headers — plus headers saying why and where it came from, so it can be read,
// fixed and replayed. The consumer then moves past it. A record is dead-lettered once per process even when its
// batch is redelivered (a store failure later in the batch); across a crash a repeat carries the same source
// headers, so a reader can drop it.
import type { IHeaders, KafkaMessage, Message, Producer } from 'kafkajs';

export const DEAD_LETTER_HEADERS = {
  code: 'deflect.error.code',
  message: 'deflect.error.message',
  field: 'deflect.error.field',
  topic: 'deflect.source.topic',
  partition: 'deflect.source.partition',
  offset: 'deflect.source.offset',
  timestamp: 'deflect.source.timestamp',
} as const;

export interface DeadLetterReason {
  code: string;
  message: string;
  field?: string | undefined;
}

export interface DeadLetter {
  topic: string;
  partition: number;
  record: KafkaMessage;
  reason: DeadLetterReason;
}

export interface DeadLetters {
  /** Resolves once the broker has every letter (acks from all in-sync replicas); then the offsets may move past them. */
  publish(letters: DeadLetter[]): Promise<void>;
  /** Letters published since start, by error code. */
  counts(): Map<string, number>;
}

/** The dead-letter record: the original key, value and headers, plus the reason and the source coordinates. */
export function deadLetterMessage(letter: DeadLetter): Message {
  const { record, reason } = letter;
  const headers: IHeaders = {
    ...record.headers,
    [DEAD_LETTER_HEADERS.code]: reason.code,
    [DEAD_LETTER_HEADERS.message]: reason.message,
    [DEAD_LETTER_HEADERS.topic]: letter.topic,
    [DEAD_LETTER_HEADERS.partition]: String(letter.partition),
    [DEAD_LETTER_HEADERS.offset]: record.offset,
    [DEAD_LETTER_HEADERS.timestamp]: record.timestamp,
  };
  if (reason.field !== undefined) headers[DEAD_LETTER_HEADERS.field] = reason.field;
  return { key: record.key, value: record.value, headers };
}

const REMEMBERED = 10_000;

export function createDeadLetters(producer: Producer, deadLetterTopic: string): DeadLetters {
  const counts = new Map<string, number>();
  // Insertion-ordered: the oldest coordinates are forgotten first, long after their offsets were committed.
  const published = new Set<string>();
  const coordinates = (letter: DeadLetter) => `${letter.topic}/${letter.partition}/${letter.record.offset}`;

  return {
    async publish(letters) {
      const fresh = letters.filter((letter) => !published.has(coordinates(letter)));
      if (fresh.length === 0) return;
      await producer.send({ topic: deadLetterTopic, acks: -1, messages: fresh.map(deadLetterMessage) });
      for (const letter of fresh) {
        published.add(coordinates(letter));
        counts.set(letter.reason.code, (counts.get(letter.reason.code) ?? 0) + 1);
      }
      for (const old of published) {
        if (published.size <= REMEMBERED) break;
        published.delete(old);
      }
    },
    counts: () => new Map(counts),
  };
}
