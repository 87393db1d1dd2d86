// `deflect config` runs the very check `deflect start` runs: what one refuses, the other refuses, with the same
// exit code and the key named.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killAllDeflects, runDeflect } from './spawn-deflect.js';

const dir = mkdtempSync(join(tmpdir(), 'deflect-config-start-'));
afterAll(async () => {
  await killAllDeflects();
  rmSync(dir, { recursive: true, force: true });
});

describe('deflect config and deflect start agree', () => {
  it.each([
    ['credentials on an insecure channel', 'esdb://admin:x@127.0.0.1:1?tls=false', 'credentials are ignored on an insecure channel'],
    ['a CA file that does not exist', 'esdb://127.0.0.1:1?tlsCAFile=/nonexistent/ca.crt', 'tlsCAFile /nonexistent/ca.crt does not exist'],
  ])('both exit 2 on %s, naming DEFLECT_STORE and never the password', async (_case, store, reason) => {
    const env = { DEFLECT_STORE: store, DEFLECT_DATA_DIR: dir, DEFLECT_HTTP_PORT: '0' };
    const config = await runDeflect(['config'], { env });
    const start = await runDeflect(['start'], { env });
    for (const result of [config, start]) {
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('DEFLECT_CONFIG_INVALID');
      expect(result.stderr).toContain(`DEFLECT_STORE: `);
      expect(result.stderr).toContain(reason);
      expect(result.stderr).not.toContain('admin:x@');
    }
  });
});
