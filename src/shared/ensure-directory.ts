// Creates a directory and its missing parents, one level at a time, failing with a coded error. Node's own
// `mkdir(…, { recursive: true })` was the first choice, but it loops forever on a path it can never create whose
// parent exists, such as /proc/deflect (mkdir answers ENOENT there, the parent exists, so it retries the child):
// DEFLECT_DATA_DIR=/proc/deflect spun at 100% CPU inside one synchronous call, deaf to SIGTERM.
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DeflectError } from './errors.js';

function codeOf(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : 'EIO';
}

function isDirectory(path: string): boolean | undefined {
  try {
    return statSync(path).isDirectory();
  } catch (error) {
    if (codeOf(error) === 'ENOENT' || codeOf(error) === 'ENOTDIR') return undefined;
    throw error;
  }
}

/** Makes sure `path` is a writable directory; `what` names it in the error (`DEFLECT_DATA_DIR`). */
export function ensureDirectory(path: string, what: string): void {
  const target = resolve(path);
  const unusable = (reason: string): DeflectError => new DeflectError('DEFLECT_DATA_DIR_UNUSABLE', `${what} ${path}: ${reason}`);
  const missing: string[] = [];
  let existing = target;
  try {
    for (let found = isDirectory(existing); found === undefined; found = isDirectory(existing)) {
      missing.unshift(existing);
      const parent = dirname(existing);
      if (parent === existing) break;
      existing = parent;
    }
    if (isDirectory(existing) === false) throw unusable(`${existing} is not a directory`);
  } catch (error) {
    if (error instanceof DeflectError) throw error;
    throw unusable(`cannot look at ${existing} (${codeOf(error)})`);
  }
  for (const level of missing) {
    try {
      mkdirSync(level);
    } catch (error) {
      // Another process may have made it meanwhile.
      if (codeOf(error) !== 'EEXIST' || isDirectory(level) !== true) throw unusable(`cannot create ${level} (${codeOf(error)})`);
    }
  }
  try {
    accessSync(target, constants.W_OK);
  } catch (error) {
    throw unusable(`cannot write in it (${codeOf(error)})`);
  }
}
