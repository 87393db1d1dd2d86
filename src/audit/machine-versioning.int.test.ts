// Evolving the machine: histories recorded by real runs of the invite step (sandbox over HTTP, SQLite) under
// this machine version, then verified against a changed machine — one that treats LivePerson's 429 as final.
// replay --verify names exactly the calls whose history the change re-reads, at the event where it does; and
// the command exits 1 for them, from its run function and from the real CLI on a store another version wrote.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runDeflect, killAllDeflects } from '../../test/cli/spawn-deflect.js';
import { runReplayVerify } from '../cli/commands/replay.js';
import { encodeFact, decodeFact } from '../contracts/stored-facts.js';
import { callStreamName } from '../decide/call-stream.js';
import { createInviteHarness, type InviteHarness } from '../effects/testing/invite-harness.js';
import { createSqliteEventStore } from '../store/sqlite-event-store.js';
import type { EventStore } from '../store/event-store.js';
import { CALL_MACHINE_VERSION, callDeflectionMachine } from '../../state-machines/call-deflection.machine.js';
import { createCallFold, stateName, type CallFold } from '../../state-machines/call-state.js';
import { verifyReplay, type ReplayReport } from './replay-verify.js';
import { collectingOutput } from './testing/collecting-output.js';

/** The change under test: a rate-limited attempt ends the call instead of being retried. */
const rateLimitIsFinal = callDeflectionMachine.provide({
  guards: {
    currentAttemptPermanentFailure: ({ context, event }) =>
      event.type === 'InviteAttemptFailed' &&
      event.attemptId === context.attemptId &&
      ['REJECTED', 'AUTH_FAILED', 'RATE_LIMITED'].includes(event.classification),
  },
});
const NEXT_VERSION = CALL_MACHINE_VERSION + 1;

let harness: InviteHarness | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
afterAll(killAllDeflects);

function sqlitePath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'deflect-versions-'));
  dirs.push(dir);
  return join(dir, 'store.sqlite');
}

/** Three calls through the invite step under this machine version: sent at once, after a 503, after a 429. */
async function recordHistories(path: string): Promise<InviteHarness> {
  const h = (harness = await createInviteHarness({ store: createSqliteEventStore({ path }) }));
  await h.acceptCall('sent-at-once');
  await h.settle();
  h.sandbox.nextResponses([{ kind: 'status', status: 503 }]);
  await h.acceptCall('retried-after-503');
  await h.settle();
  h.sandbox.nextResponses([{ kind: 'rateLimit', retryAfter: '2' }]);
  await h.acceptCall('retried-after-429');
  await h.settle();
  for (const id of ['sent-at-once', 'retried-after-503', 'retried-after-429']) expect(h.sandbox.ledger.smsCount(id)).toBe(1);
  return h;
}

const verifyWith = (store: EventStore, fold: CallFold, machineVersion: number): Promise<ReplayReport> => verifyReplay(store, { fold, machineVersion });

describe('a changed machine, verified against histories the previous one recorded', () => {
  it('names only the calls it reads differently, at their first diverging event', async () => {
    const h = await recordHistories(sqlitePath());
    const current = await verifyWith(h.store, createCallFold(), CALL_MACHINE_VERSION);
    expect(current).toMatchObject({ streams: 3, divergentCalls: 0, eventsFromOtherVersions: 0 });

    const changed = await verifyWith(h.store, createCallFold(rateLimitIsFinal), NEXT_VERSION);
    expect(changed.machineVersion).toBe(NEXT_VERSION);
    expect(changed.divergences).toEqual([
      {
        externalCallId: 'retried-after-429',
        revision: 4,
        position: expect.stringMatching(/^\d+$/),
        type: 'InviteAttemptFailed',
        recorded: 'accepted.inviting.planningRetry',
        replayed: 'failed',
        recordedMachineVersion: CALL_MACHINE_VERSION,
      },
    ]);
    expect(changed).toMatchObject({ streams: 3, events: current.events, eventsFromOtherVersions: current.events });
    expect(changed.recordedMachineVersions).toEqual({ [String(CALL_MACHINE_VERSION)]: current.events });
  });

  it('makes `replay --verify` print the affected call and exit 1 (the command’s run, as the CLI calls it)', async () => {
    const h = await recordHistories(sqlitePath());
    const text = collectingOutput();
    expect(await runReplayVerify({ store: h.store, output: text, fold: createCallFold(rateLimitIsFinal), machineVersion: NEXT_VERSION })).toBe(1);
    const [printed] = text.texts;
    expect(printed).toContain(`through machine version ${NEXT_VERSION}`);
    expect(printed).toContain('1 call diverge:');
    expect(printed).toMatch(
      new RegExp(
        `retried-after-429 {2}revision 4 InviteAttemptFailed: recorded accepted\\.inviting\\.planningRetry, replayed failed \\(recorded by v${CALL_MACHINE_VERSION}\\)`,
      ),
    );
    expect(printed).not.toContain('retried-after-503');
    expect(printed).not.toContain('sent-at-once');

    const unchanged = collectingOutput();
    expect(await runReplayVerify({ store: h.store, output: unchanged })).toBe(0);
    expect(unchanged.texts[0]).toContain('no divergence');
  });

  it('makes the real `deflect replay --verify` exit 1 on a store whose history another machine version recorded', async () => {
    // The 429 call as the changed machine would have recorded it (version NEXT_VERSION), in a store of its own;
    // this release's machine re-reads it differently from the InviteAttemptFailed on.
    const h = await recordHistories(sqlitePath());
    const path = sqlitePath();
    const other = createSqliteEventStore({ path });
    const fold = createCallFold(rateLimitIsFinal);
    for (const id of ['sent-at-once', 'retried-after-429']) {
      let snapshot = fold.initial;
      const events = await h.store.readStream(callStreamName(id));
      await other.appendToStream(
        callStreamName(id),
        events.map((event) => {
          const fact = decodeFact(event.type, event.data);
          snapshot = fold.foldFact(snapshot, fact);
          const encoded = encodeFact(fact);
          return {
            type: encoded.type,
            data: encoded.data,
            contentType: encoded.contentType,
            metadata: { ...event.metadata, machineVersion: NEXT_VERSION, stateAfter: stateName(snapshot) },
          };
        }),
      );
    }
    await other.close();

    const run = await runDeflect(['replay', '--verify'], { env: { DEFLECT_STORE: `sqlite:${path}` } });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      new RegExp(
        `retried-after-429 {2}revision 4 InviteAttemptFailed: recorded failed, replayed accepted\\.inviting\\.planningRetry \\(recorded by v${NEXT_VERSION}\\)`,
      ),
    );
    expect(run.stdout).not.toContain('sent-at-once');

    const json = await runDeflect(['replay', '--verify', '--json'], { env: { DEFLECT_STORE: `sqlite:${path}` } });
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as ReplayReport;
    expect(report).toMatchObject({
      machineVersion: CALL_MACHINE_VERSION,
      streams: 2,
      divergentCalls: 1,
      recordedMachineVersions: { [String(NEXT_VERSION)]: report.events },
    });
    expect(report.divergences.map((divergence) => divergence.externalCallId)).toEqual(['retried-after-429']);
  });
});
