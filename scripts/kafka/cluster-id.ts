// A KRaft cluster id as Kafka's Uuid.randomUuid() makes one: 16 random bytes, URL-safe base64 without
// padding, never starting with '-' (the command line would take it for an option). Saves a JVM start.
import { randomBytes } from 'node:crypto';

export function randomClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-') && id !== 'AAAAAAAAAAAAAAAAAAAAAA' && id !== 'AAAAAAAAAAAAAAAAAAAAAQ') return id;
  }
}
