// `deflect export` on a real SQLite store holding the recorded histories (test/fixtures/histories/) and a call
// from the next day: NDJSON and an Avro Object Container File read back by avsc's own container decoder (a
// reader that knows nothing of the writer but the file), the window, the outcomes the relay would publish,
// and no personal data anywhere in either file.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import avsc from 'avsc';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallExport, DeflectionOutcome } from '../contracts/generated/schemas.js';
import { createDecider } from '../decide/decider.js';
import { DEFAULT_CONFIG_POLICY } from '../decide/testing/policy.js';
import { fact } from '../decide/testing/facts.js';
import { startOutcomeRelay } from '../outcomes/outcome-relay.js';
import type { SqliteEventStore } from '../store/sqlite-event-store.js';
import type { ExportedCall } from './call-export.js';
import { exportCalls } from './export.js';
import { exportWindowOf } from './export-window.js';
import { fixtureStore } from './testing/fixture-store.js';

/** The fixtures were recorded on 2026-11-23 from 09:00; the extra call is the next day. */
const NEXT_DAY = Date.UTC(2026, 10, 24, 10, 0);
/** What the fixtures' callers gave: numbers, name, caller info, keyed digits. */
const PERSONAL = ['447911123456', '4029742345', 'Dana', 'Okafor', '"tier"', 'callerEnteredDigits', 'e164'];

const dirs: string[] = [];
const stores: SqliteEventStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'deflect-export-'));
  dirs.push(dir);
  return dir;
}

async function storeWithCalls(): Promise<SqliteEventStore> {
  const { store, clock } = await fixtureStore(join(tempDir(), 'store.sqlite'));
  stores.push(store);
  clock.set(NEXT_DAY);
  const decider = createDecider({ store, clock, policy: DEFAULT_CONFIG_POLICY });
  await decider.apply('next-day', fact.callBegun('next-day', { occurredAt: NEXT_DAY }));
  await decider.apply('next-day', fact.offered('next-day', { occurredAt: NEXT_DAY + 1_000 }));
  return store;
}

function readAvro(path: string): Promise<{ records: CallExport[]; codec: string; schemaName: string | undefined }> {
  return new Promise((resolve, reject) => {
    const records: CallExport[] = [];
    let codec = '';
    let schemaName: string | undefined;
    avsc
      .createFileDecoder(path)
      .on('metadata', (type: avsc.Type, headerCodec: string) => {
        codec = headerCodec;
        schemaName = type.name;
      })
      .on('data', (record: CallExport) => records.push(record))
      .on('error', reject)
      .on('end', () => resolve({ records, codec, schemaName }));
  });
}

const readNdjson = (path: string): ExportedCall[] =>
  readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as ExportedCall);

describe('deflect export', () => {
  it('writes one NDJSON line per call with its outcome and events, and no personal data', async () => {
    const store = await storeWithCalls();
    const out = join(tempDir(), 'calls.ndjson');
    const summary = await exportCalls(store, { format: 'ndjson', out });
    const calls = readNdjson(out);
    expect(calls.map((call) => call.externalCallId)).toEqual(['fixture-declined', 'fixture-expired', 'fixture-in-doubt', 'fixture-retried', 'next-day']);
    expect(summary).toMatchObject({ format: 'ndjson', out, calls: 5, outcomes: { INVITE_SENT: 2, FAILED: 1, NOT_DEFLECTED: 1, IN_PROGRESS: 1 } });
    expect(summary.events).toBe(calls.reduce((sum, call) => sum + call.events.length, 0));
    const byId = new Map(calls.map((call) => [call.externalCallId, call]));
    expect(byId.get('fixture-retried')?.outcome).toMatchObject({
      outcome: 'INVITE_SENT',
      attempts: 2,
      lpCallId: expect.any(String),
      siteId: '38856538',
      skill: 'sales',
    });
    expect(byId.get('fixture-in-doubt')?.outcome).toMatchObject({ outcome: 'INVITE_SENT', attempts: 1 });
    expect(byId.get('fixture-expired')?.outcome).toMatchObject({ outcome: 'FAILED', reason: 'EXPIRED' });
    expect(byId.get('fixture-declined')).toMatchObject({ state: 'notDeflected', outcome: { outcome: 'NOT_DEFLECTED', reason: 'DECLINED', attempts: 0 } });
    expect(byId.get('next-day')).toMatchObject({ state: 'inCall', firstEventAt: NEXT_DAY, outcome: { outcome: 'IN_PROGRESS' } });
    const begun = byId.get('fixture-retried')?.events[0];
    expect(begun).toMatchObject({ revision: 0, type: 'CallBegun', stateAfter: 'inCall', machineVersion: 1, fact: { siteId: '38856538', lineType: 'MOBILE' } });
    expect(Object.keys(begun?.fact ?? {}).sort()).toEqual(['eventId', 'externalCallId', 'lineType', 'occurredAt', 'siteId']);
    const text = readFileSync(out, 'utf8');
    for (const personal of PERSONAL) expect(text).not.toContain(personal);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it('gives each final call the very outcome the relay publishes on deflection.outcomes', async () => {
    const store = await storeWithCalls();
    const published: DeflectionOutcome[] = [];
    const relay = await startOutcomeRelay({ store, sink: { publish: async (outcome) => void published.push(outcome), close: async () => {} } });
    await relay.caughtUp;
    await relay.stop();
    const out = join(tempDir(), 'calls.ndjson');
    await exportCalls(store, { format: 'ndjson', out });
    const exported = readNdjson(out)
      .filter((call) => call.outcome.outcome !== 'IN_PROGRESS')
      .map((call) => call.outcome);
    expect(published).toHaveLength(4);
    expect(exported.sort((a, b) => a.externalCallId.localeCompare(b.externalCallId))).toEqual(
      published.sort((a, b) => a.externalCallId.localeCompare(b.externalCallId)),
    );
  });

  it.each(['deflate', 'null'] as const)(
    'writes an Avro Object Container File (%s codec) that avsc’s container decoder reads back record for record',
    async (codec) => {
      const store = await storeWithCalls();
      const dir = tempDir();
      const out = join(dir, 'calls.avro');
      const summary = await exportCalls(store, { format: 'avro', out, avroCodec: codec });
      await exportCalls(store, { format: 'ndjson', out: join(dir, 'calls.ndjson') });
      const bytes = readFileSync(out);
      expect(bytes.subarray(0, 4)).toEqual(Buffer.from([0x4f, 0x62, 0x6a, 0x01]));
      const { records, codec: headerCodec, schemaName } = await readAvro(out);
      expect(headerCodec).toBe(codec);
      expect(schemaName).toBe('deflect.export.CallExport');
      expect(records).toHaveLength(summary.calls);
      const fromNdjson = readNdjson(join(dir, 'calls.ndjson'));
      records.forEach((record, index) => {
        const expected = fromNdjson[index];
        expect({ ...record, events: record.events.map((event) => ({ ...event, fact: JSON.parse(event.fact) as unknown })) }).toEqual(expected);
      });
      const decodedText = JSON.stringify(records);
      for (const personal of PERSONAL) expect(decodedText).not.toContain(personal);
      if (codec === 'null') for (const personal of PERSONAL) expect(bytes.includes(Buffer.from(personal))).toBe(false);
    },
  );

  it('selects the calls whose first event falls in [since, until)', async () => {
    const store = await storeWithCalls();
    const dir = tempDir();
    const ids = async (since?: string, until?: string) => {
      const out = join(dir, `${since ?? '-'}_${until ?? '-'}.ndjson`);
      const summary = await exportCalls(store, { format: 'ndjson', out, window: exportWindowOf({ ...(since ? { since } : {}), ...(until ? { until } : {}) }) });
      return { calls: summary.calls, ids: summary.calls === 0 ? [] : readNdjson(out).map((call) => call.externalCallId), summary };
    };
    expect((await ids('2026-11-24')).ids).toEqual(['next-day']);
    expect((await ids(undefined, '2026-11-24')).ids).toHaveLength(4);
    expect((await ids('2026-11-23', String(NEXT_DAY))).calls).toBe(4);
    expect((await ids('2026-11-23', String(NEXT_DAY + 1))).calls).toBe(5);
    const empty = await ids('2026-11-25');
    expect(empty.summary).toMatchObject({ calls: 0, events: 0, since: '2026-11-25T00:00:00.000Z' });
    expect(readFileSync(join(dir, '2026-11-25_-.ndjson'), 'utf8')).toBe('');
  });

  it('finds a window by bisection: the events before it (less an hour) are not read', async () => {
    const sqlite = await storeWithCalls();
    let read = 0;
    const store = {
      ...sqlite,
      readAll: async (options?: Parameters<SqliteEventStore['readAll']>[0]) => {
        const page = await sqlite.readAll(options);
        if (options?.maxCount !== 1) read += page.length;
        return page;
      },
    };
    const all = (await sqlite.readAll()).length;
    const summary = await exportCalls(store, { format: 'ndjson', out: join(tempDir(), 'next-day.ndjson'), window: exportWindowOf({ since: '2026-11-24' }) });
    expect(summary.calls).toBe(1);
    // The next day's two events are read from the global order; the fixtures' day before is not.
    expect(read).toBe(2);
    expect(all).toBeGreaterThan(20);
  });
});
