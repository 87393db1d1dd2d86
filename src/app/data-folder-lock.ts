// An embedded data folder belongs to one process (DESIGN, "Scaling out"). Without Kafka a service owns every call:
// it runs every call's invites and relays every outcome, so a second `deflect start` or a `deflect ingest` on the
// same folder would relay each outcome again into the same outcomes file. Each folder holding the embedded files
// (the SQLite store, the outcomes file) gets a lock file naming its holder; a second process stops at once with
// DEFLECT_DATA_DIR_LOCKED and the holder's pid. On Kafka, partition ownership decides instead, and no lock is taken.
//
// The lock is a file created with O_EXCL holding the holder's pid, host and command. A holder that died (SIGKILL,
// power loss) leaves it behind: a lock whose pid no longer runs on this host is stale and taken over.
// `proper-lockfile` was considered: it keeps the lock fresh by rewriting its mtime on a timer and judges staleness
// by age, so a killed holder blocks the folder for the stale period, and it does not record who holds the lock.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { DeflectConfig } from '../config/index.js';
import { ensureDirectory } from '../shared/ensure-directory.js';
import { DeflectError } from '../shared/errors.js';

export const LOCK_FILE = 'deflect.lock';

export interface LockHolder {
  pid: number;
  host: string;
  command: string;
  since: string;
}

export interface DataFolderLock {
  readonly folders: readonly string[];
  release(): void;
}

/** Locks this process holds, by lock file: the same process may not take one twice either. */
const held = new Set<string>();

/** The folders of the embedded files a service that owns every call writes: the SQLite store's and the outcomes file's. */
export function embeddedFolders(config: DeflectConfig, uses: { store: boolean; outcomesFile: boolean }): string[] {
  const folders = new Set<string>();
  if (uses.store && config.store.kind === 'sqlite') folders.add(resolve(dirname(config.store.path)));
  if (uses.outcomesFile) folders.add(resolve(dirname(config.data.outcomesFile)));
  return [...folders].sort();
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return typeof error === 'object' && error !== null && 'code' in error && error.code === 'EPERM';
  }
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { pid, host, command, since } = parsed as Record<string, unknown>;
    return typeof pid === 'number' && typeof host === 'string' ? { pid, host, command: String(command ?? ''), since: String(since ?? '') } : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a lock left by `holder` is still held; a lock of another host cannot be checked, so it is. */
function stillHeld(holder: LockHolder | undefined, path: string): boolean {
  if (holder === undefined) return false;
  if (holder.host !== hostname()) return true;
  // A lock with our own pid that this process does not hold was left by an earlier process with the same pid
  // (a container's pid 1 after a restart).
  if (holder.pid === process.pid) return held.has(path);
  return isRunning(holder.pid);
}

function lockOne(folder: string, me: LockHolder): string {
  ensureDirectory(folder, 'the data folder');
  const path = join(folder, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (error) {
      const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'EIO';
      if (code !== 'EEXIST') throw new DeflectError('DEFLECT_DATA_DIR_UNUSABLE', `cannot create the lock file ${path} (${code})`);
      const holder = readHolder(path);
      if (stillHeld(holder, path)) {
        const who = holder
          ? `pid ${holder.pid}${holder.host === me.host ? '' : ` on ${holder.host}`} (${holder.command}, since ${holder.since})`
          : 'another process';
        throw new DeflectError(
          'DEFLECT_DATA_DIR_LOCKED',
          `${folder} is held by ${who}: one process owns an embedded data folder. Stop it, give this one another DEFLECT_DATA_DIR, or post to the running service over HTTP`,
        );
      }
      // Stale: its holder is gone. Removed, then created afresh with O_EXCL, so of two racing takers one wins.
      try {
        unlinkSync(path);
      } catch {
        // Someone else removed it first.
      }
      continue;
    }
    try {
      writeSync(fd, `${JSON.stringify(me)}\n`);
    } finally {
      closeSync(fd);
    }
    held.add(path);
    return path;
  }
  throw new DeflectError('DEFLECT_DATA_DIR_LOCKED', `${folder}: could not take the lock (another process keeps taking it)`);
}

/** Locks every folder, or none: a failure releases what was taken. */
export function lockDataFolders(folders: readonly string[], command: string): DataFolderLock {
  const me: LockHolder = { pid: process.pid, host: hostname(), command, since: new Date().toISOString() };
  const taken: string[] = [];
  const release = (): void => {
    for (const path of taken.splice(0)) {
      held.delete(path);
      // Only our own lock is removed: a stale-lock taker may have replaced it.
      if (readHolder(path)?.pid === me.pid) {
        try {
          unlinkSync(path);
        } catch {
          // Already gone.
        }
      }
    }
  };
  try {
    for (const folder of folders) taken.push(lockOne(folder, me));
  } catch (error) {
    release();
    throw error;
  }
  return { folders, release };
}
