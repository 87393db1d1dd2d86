// Which calls still wait for the service itself (a timer, an attempt, a reconciliation): read from the store's
// global order using only each event's recorded `stateAfter`, without decoding call payloads. The effects runner
// then loads each of these calls and resumes its pending work, so a restart, or a partition's new owner, goes on
// where the last one stopped.
// A search reads only what came after the list last recorded for its scope (an OpenCallsRecorded event in the
// stream `open-calls-<scope>`), and may record the list it found. Reading the whole history instead made every
// resume (every start, every rebalance) slower as the history grew: ~274k events/s on SQLite here, so a year of a
// busy contact centre would hold a gained partition's due invites for minutes.
import type { OpenCallsRecorded } from '../contracts/generated/schemas.js';
import { createSingleObjectCodec } from '../contracts/single-object.js';
import { AVRO_CONTENT_TYPE } from '../contracts/stored-facts.js';
import { defaultSchemaRegistry } from '../contracts/schema-registry.js';
import { CALL_STREAM_PREFIX, externalCallIdOf, recordedPartitionOf } from '../decide/call-stream.js';
import type { EventData, EventStore, RecordedEvent } from '../store/event-store.js';
import { leastPosition } from '../store/global-order.js';
import { readAllPages } from '../store/read-all-pages.js';
import type { Clock } from '../shared/clock.js';
import { isDeflectError } from '../shared/errors.js';
import { CALL_MACHINE_VERSION } from '../../state-machines/call-deflection.machine.js';
import { STATES_WITH_PENDING_WORK } from '../../state-machines/call-state.js';

export const hasPendingWork = (stateAfter: unknown): boolean => typeof stateAfter === 'string' && STATES_WITH_PENDING_WORK.has(stateAfter);

/** Where the lists live: one stream per scope. Not a call stream, so no reader of calls sees them. */
export const OPEN_CALLS_STREAM_PREFIX = 'open-calls-';
const RECORD_TYPE = 'OpenCallsRecorded';
const QUIET_SCOPE_RECORD_AFTER_MS = 3_600_000;

/** What a search covers: one or more scopes, each with its own recorded list. */
export interface OpenCallScope {
  /** `p<partition>` for partitions of the call-events topic, `all` for every call. */
  readonly keys: readonly string[];
  /** The scope a call belongs to, given the partition its events record (undefined: it never came through Kafka). */
  keyOf(externalCallId: string, partition: number | undefined): string;
}

/** One process owning every call (no Kafka). */
export const EVERY_CALL: OpenCallScope = { keys: ['all'], keyOf: () => 'all' };

/**
 * The calls of these partitions of the call-events topic, which has `count` partitions: a call is in the partition
 * its Kafka records were read from (`partitionOf` decides for a call whose events record none). The count is part
 * of each scope's name, so a list recorded before partitions were added is not taken for the new layout.
 */
export function partitionScope(
  partitions: Iterable<number>,
  partitionOf: (externalCallId: string, recorded: number | undefined) => number,
  count: number,
): OpenCallScope {
  const key = (partition: number): string => `p${partition}of${count}`;
  return { keys: [...partitions].map(key), keyOf: (externalCallId, recorded) => key(partitionOf(externalCallId, recorded)) };
}

/**
 * Which states counted as waiting when a list was recorded. A list recorded under another machine version, or
 * another set of such states, is not trusted: the search reads the whole history instead (the streams decide).
 */
const PENDING_WORK_STATES = [...STATES_WITH_PENDING_WORK].sort().join(' ');
/**
 * How calls were assigned to scopes when a list was recorded. Lists from before calls followed the partition of
 * their records (when the key's murmur2 hash decided) are not trusted either.
 */
const SCOPE_RULE = 'record-partition';

export interface FindOpenCallsOptions {
  /** Record the lists found (for each scope that moved on), so the next search starts from here. */
  record?: Clock;
}

export async function findOpenCalls(store: EventStore, scope: OpenCallScope = EVERY_CALL, options: FindOpenCallsOptions = {}): Promise<string[]> {
  if (scope.keys.length === 0) return [];
  const fold = await loadOpenCallsFold(store, scope);
  for await (const page of readAllPages(store, { streamPrefix: CALL_STREAM_PREFIX, ...(fold.from !== undefined ? { after: fold.from } : {}) })) {
    for (const event of page) fold.apply(event);
  }
  const open = fold.open();
  if (options.record) await fold.record(store, options.record.now());
  return open;
}

/** The open calls of a scope as its recorded lists say, moved on by every call event read after them. */
export interface OpenCallsFold {
  /** Where reading starts: after the oldest list of the scope; undefined (the beginning) when one has none. */
  readonly from: bigint | undefined;
  /** One call event, in global order, from `from` on. */
  apply(event: RecordedEvent): void;
  open(): string[];
  /**
   * Records the list of each scope that moved on since its list (a quiet one only once its list is an hour old,
   * so that its next search does not read the other scopes' traffic of a whole day), and goes on from them.
   */
  record(store: EventStore, at: number): Promise<void>;
}

export async function loadOpenCallsFold(store: EventStore, scope: OpenCallScope): Promise<OpenCallsFold> {
  const since = new Map<string, bigint | undefined>();
  const recordedAt = new Map<string, number>();
  // Calls open as of their scope's recorded list, and the last state of every call seen after it.
  const openAsRecorded = new Set<string>();
  const lastState = new Map<string, unknown>();
  /** The scope of each call found: its recorded list's, or the one its last event read here records. */
  const keyOfCall = new Map<string, string>();
  for (const key of scope.keys) {
    const recorded = await lastRecorded(store, key);
    since.set(key, recorded?.after);
    if (recorded) recordedAt.set(key, recorded.at);
    for (const externalCallId of recorded?.openCalls ?? []) {
      openAsRecorded.add(externalCallId);
      keyOfCall.set(externalCallId, key);
    }
  }
  // From the oldest list on (from the beginning if a scope has none); each scope skips what its own list covers.
  const from = leastPosition(since.values());
  let through = from;
  const moved = new Set<string>([...since].filter(([, after]) => after === undefined).map(([key]) => key));
  const open = (): string[] => {
    const found = [...openAsRecorded].filter((externalCallId) => !lastState.has(externalCallId));
    for (const [externalCallId, stateAfter] of lastState) if (hasPendingWork(stateAfter)) found.push(externalCallId);
    return found;
  };
  return {
    from,
    apply(event) {
      through = event.position;
      const externalCallId = externalCallIdOf(event.streamName);
      if (externalCallId === undefined) return;
      const key = scope.keyOf(externalCallId, recordedPartitionOf(event.metadata));
      if (!since.has(key)) {
        // The call's later records came from a partition outside this search: it is no longer ours to resume.
        if (keyOfCall.has(externalCallId)) lastState.set(externalCallId, undefined);
        return;
      }
      const after = since.get(key);
      if (after === undefined || event.position > after) {
        lastState.set(externalCallId, event.metadata.stateAfter);
        keyOfCall.set(externalCallId, key);
        moved.add(key);
      }
    },
    open,
    async record(target, at) {
      const recordedThrough = through;
      if (recordedThrough === undefined) return;
      const openNow = open();
      const lists = new Map<string, string[]>();
      for (const [key, after] of since) {
        if (after !== undefined && recordedThrough <= after) continue;
        if (!moved.has(key) && (recordedAt.get(key) ?? 0) > at - QUIET_SCOPE_RECORD_AFTER_MS) continue;
        lists.set(
          key,
          openNow.filter((externalCallId) => keyOfCall.get(externalCallId) === key),
        );
      }
      // Go on from the new lists at once (before any append resolves), so events applied meanwhile count after them.
      const stillOpen = new Set(openNow);
      for (const key of lists.keys()) {
        since.set(key, recordedThrough);
        recordedAt.set(key, at);
        moved.delete(key);
      }
      for (const [externalCallId, key] of keyOfCall) {
        if (!lists.has(key)) continue;
        lastState.delete(externalCallId);
        if (stillOpen.has(externalCallId)) openAsRecorded.add(externalCallId);
        else {
          openAsRecorded.delete(externalCallId);
          keyOfCall.delete(externalCallId);
        }
      }
      for (const [key, openCalls] of lists) {
        await target.appendToStream(`${OPEN_CALLS_STREAM_PREFIX}${key}`, [recordedEvent({ scope: key, after: String(recordedThrough), openCalls, at })]);
      }
    },
  };
}

const codec = createSingleObjectCodec();

function recordedEvent(value: OpenCallsRecorded): EventData {
  const schema = defaultSchemaRegistry().current(RECORD_TYPE);
  return {
    type: RECORD_TYPE,
    data: codec.encode(RECORD_TYPE, value),
    contentType: AVRO_CONTENT_TYPE,
    metadata: {
      $correlationId: value.scope,
      $causationId: RECORD_TYPE,
      schemaFingerprint: schema?.fingerprintHex ?? '',
      machineVersion: CALL_MACHINE_VERSION,
      pendingWorkStates: PENDING_WORK_STATES,
      scopeRule: SCOPE_RULE,
    },
  };
}

/** The scope's last recorded list; undefined when there is none, it cannot be read, or it was recorded under other rules (the search then reads everything). */
async function lastRecorded(store: EventStore, key: string): Promise<{ after: bigint; openCalls: string[]; at: number } | undefined> {
  const [last] = await store.readStream(`${OPEN_CALLS_STREAM_PREFIX}${key}`, { direction: 'backwards', maxCount: 1 });
  if (
    !last ||
    last.metadata.machineVersion !== CALL_MACHINE_VERSION ||
    last.metadata.pendingWorkStates !== PENDING_WORK_STATES ||
    last.metadata.scopeRule !== SCOPE_RULE
  )
    return undefined;
  try {
    const decoded = codec.decode(last.data);
    if (decoded.type !== RECORD_TYPE) return undefined;
    const value = decoded.value as OpenCallsRecorded;
    return { after: BigInt(value.after), openCalls: value.openCalls, at: value.at };
  } catch (error) {
    if (isDeflectError(error) || error instanceof SyntaxError) return undefined;
    throw error;
  }
}
