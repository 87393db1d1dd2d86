// Directories for the embedded files: created level by level, or a coded error naming what is wrong — never the
// endless loop Node's recursive mkdir falls into under /proc.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureDirectory } from './ensure-directory.js';

const dir = mkdtempSync(join(tmpdir(), 'deflect-ensure-dir-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ensureDirectory', () => {
  it('creates the missing levels, and accepts a directory that exists', () => {
    const nested = join(dir, 'a', 'b', 'c');
    ensureDirectory(nested, 'DEFLECT_DATA_DIR');
    expect(statSync(nested).isDirectory()).toBe(true);
    ensureDirectory(nested, 'DEFLECT_DATA_DIR');
  });

  it('fails with DEFLECT_DATA_DIR_UNUSABLE when a level is a file', () => {
    writeFileSync(join(dir, 'file'), '');
    expect(() => ensureDirectory(join(dir, 'file', 'data'), 'DEFLECT_DATA_DIR')).toThrow(
      expect.objectContaining({ code: 'DEFLECT_DATA_DIR_UNUSABLE', message: expect.stringContaining('is not a directory') }),
    );
  });

  it.runIf(process.platform === 'linux')('fails at once under /proc, where a recursive mkdir loops forever', () => {
    const started = Date.now();
    expect(() => ensureDirectory('/proc/deflect-data/x', 'DEFLECT_DATA_DIR')).toThrow(
      expect.objectContaining({ code: 'DEFLECT_DATA_DIR_UNUSABLE', message: expect.stringContaining('cannot create /proc/deflect-data (ENOENT)') }),
    );
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
