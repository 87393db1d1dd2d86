// One group-commit batch as one PostgreSQL transaction (postgres-group-commit.ts has the rules): take the transaction
// id, lock the batch's streams, decide each write against their heads, write every row in one statement, commit.
// Returns what it decided for each write; the caller settles the promises once COMMIT has returned.
import type { PoolClient } from 'pg';
import type { AppendResult } from './event-store.js';
import { revisionConflict } from './expected-revision.js';
import { MAX_TRANSACTION_ID, ORDINAL_BITS } from './postgres-schema.js';
import type { PendingAppend, PendingCheckpoint, PendingWrite } from './pending-writes.js';
import type { PostgresStatements } from './postgres-statements.js';

export interface BatchHooks {
  afterBegin?(xid: bigint): Promise<void> | void;
  afterLock?(xid: bigint): Promise<void> | void;
}

interface StreamHead {
  revision: number;
  position: bigint;
}

/** What a batch decided for each write, before it knows whether the transaction commits. */
export type Decision =
  | { kind: 'accepted'; write: PendingAppend; result: AppendResult }
  | { kind: 'conflict'; write: PendingAppend; error: Error }
  | { kind: 'stored'; write: PendingCheckpoint }
  | { kind: 'deferred'; write: PendingWrite };

export interface BatchWriteDeps {
  statements: PostgresStatements;
  /** NOTIFY channel that wakes subscriptions in every process. */
  channel: string;
  hooks?: BatchHooks | undefined;
}

export async function writeBatch(client: PoolClient, batch: readonly PendingWrite[], deps: BatchWriteDeps): Promise<Decision[]> {
  const begun = await client.query<{ xid: string }>(deps.statements.beginBatch);
  const xid = BigInt(lastResult(begun)?.rows[0]?.xid ?? Number.NaN);
  if (xid >= MAX_TRANSACTION_ID) throw new Error(`transaction id ${xid} is beyond what positions can hold (${MAX_TRANSACTION_ID})`);
  const base = xid << ORDINAL_BITS;
  await deps.hooks?.afterBegin?.(xid);

  const streamNames = [...new Set(batch.flatMap((write) => (write.kind === 'append' ? [write.streamName] : [])))];
  const heads = new Map<string, StreamHead>();
  if (streamNames.length > 0) {
    const locked = await client.query<{ name: string; revision: string; position: string }>({ ...deps.statements.lockStreams, values: [streamNames] });
    for (const row of locked.rows) heads.set(row.name, { revision: Number(row.revision), position: BigInt(row.position) });
  }
  await deps.hooks?.afterLock?.(xid);
  // Streams a later transaction has written to: their appends wait for the next batch (see the header).
  const held = new Set([...heads].filter(([, head]) => head.position >= base).map(([name]) => name));

  const touched = new Map<string, StreamHead>();
  const rows = {
    position: [] as string[],
    stream: [] as string[],
    revision: [] as string[],
    id: [] as string[],
    type: [] as string[],
    contentType: [] as string[],
    data: [] as Buffer[],
    metadata: [] as string[],
  };
  const checkpoints = new Map<string, bigint>();
  let ordinal = 0n;
  const decisions: Decision[] = batch.map((write): Decision => {
    if (write.kind === 'checkpoint') {
      checkpoints.set(write.name, write.position);
      return { kind: 'stored', write };
    }
    if (held.has(write.streamName)) return { kind: 'deferred', write };
    // Earlier appends of this batch count: two appends to one stream in one batch chain like separate commits.
    const current = touched.get(write.streamName)?.revision ?? heads.get(write.streamName)?.revision;
    const conflict = revisionConflict(write.streamName, write.expected, current);
    if (conflict) return { kind: 'conflict', write, error: conflict };
    let revision = current ?? -1;
    let position = 0n;
    for (const event of write.events) {
      revision += 1;
      position = base + ordinal;
      ordinal += 1n;
      rows.position.push(String(position));
      rows.stream.push(write.streamName);
      rows.revision.push(String(revision));
      rows.id.push(event.id);
      rows.type.push(event.type);
      rows.contentType.push(event.contentType);
      rows.data.push(event.data);
      rows.metadata.push(event.metadata);
    }
    touched.set(write.streamName, { revision, position });
    return { kind: 'accepted', write, result: { nextExpectedRevision: revision, position } };
  });

  const created = [...touched].filter(([name]) => !heads.has(name)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const moved = [...touched].filter(([name]) => heads.has(name));
  const written = await client.query<{ created: string[] }>({
    ...deps.statements.writeBatch,
    values: [
      created.map(([name]) => name),
      created.map(([, head]) => String(head.revision)),
      created.map(([, head]) => String(head.position)),
      moved.map(([name]) => name),
      moved.map(([, head]) => String(head.revision)),
      moved.map(([, head]) => String(head.position)),
      rows.position,
      rows.stream,
      rows.revision,
      rows.id,
      rows.type,
      rows.contentType,
      rows.data,
      rows.metadata,
      [...checkpoints.keys()],
      [...checkpoints.values()].map(String),
      deps.channel,
    ],
  });
  await client.query('COMMIT');

  // A stream another writer created while this batch ran: none of its events went in; all its writes wait.
  const createdHere = new Set(written.rows[0]?.created ?? []);
  const lost = new Set(created.map(([name]) => name).filter((name) => !createdHere.has(name)));
  if (lost.size === 0) return decisions;
  return decisions.map((decision) =>
    decision.write.kind === 'append' && lost.has(decision.write.streamName) ? { kind: 'deferred', write: decision.write } : decision,
  );
}

/** A multi-statement query answers with one result per statement; the last is the one that returns rows. */
function lastResult<R>(result: R | R[]): R | undefined {
  return Array.isArray(result) ? result.at(-1) : result;
}
