import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS } from './keys.js';
import { renderConfigReference } from './reference.js';

describe('renderConfigReference', () => {
  const reference = renderConfigReference();
  const rows = reference.split('\n').filter((line) => line.startsWith('| `'));

  it('has one table row per key, in table order', () => {
    expect(rows.map((row) => /^\| `([A-Z0-9_]+)`/.exec(row)?.[1])).toEqual(CONFIG_KEYS.map((key) => key.name));
  });

  it('shows defaults, what the parser accepts, and which keys are secret', () => {
    const row = (name: string) => rows.find((candidate) => candidate.startsWith(`| \`${name}\``)) ?? '';
    expect(row('DEFLECT_HTTP_PORT')).toBe('| `DEFLECT_HTTP_PORT` | http | `8080` | an integer 0–65535 | Port of the HTTP listener (0 picks a free port). |');
    expect(row('DEFLECT_STORE')).toContain('sqlite:<DEFLECT_DATA_DIR>/deflect.sqlite');
    expect(row('KAFKA_BROKERS')).toContain('unset: Kafka off (embedded mode)');
    expect(row('LIVEPERSON_CONSUMER_SECRET')).toContain('Secret: always masked.');
    expect(row('DEFLECT_HTTP_PORT')).not.toContain('Secret');
  });

  it('keeps every row to five cells, escaping pipes', () => {
    for (const row of rows) expect(row.replace(/\\\|/g, '').split('|')).toHaveLength(7);
  });

  it('explains the sources and their precedence', () => {
    expect(reference).toContain('DEFLECT_CONFIG_FILE');
    expect(reference).toContain('Environment variables win over the file');
  });
});
