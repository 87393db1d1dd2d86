// `deflect config` with LivePerson as it is today: every new key is named, secrets masked, and a configuration
// that cannot work against a real LivePerson exits 2 naming the missing key.
import { describe, expect, it } from 'vitest';
import { runDeflect } from './spawn-deflect.js';

const NEW_KEYS = [
  'LIVEPERSON_API',
  'LIVEPERSON_AUTH',
  'LIVEPERSON_CLIENT_ID',
  'LIVEPERSON_CLIENT_SECRET',
  'LIVEPERSON_DOMAIN_API_URL',
  'LIVEPERSON_SENTINEL_URL',
  'LIVEPERSON_C2M_URL',
  'LIVEPERSON_C2M_HANDOFF_ID',
  'LIVEPERSON_C2M_APP',
  'LIVEPERSON_C2M_TEMPLATE_VARIABLES',
];

describe('deflect config with Connect to Messaging and OAuth 2.0', () => {
  it('names every new key, with OAuth 2.0 as the C2M default and the secrets masked', async () => {
    const result = await runDeflect(['config', '--json'], {
      env: {
        LIVEPERSON_API: 'c2m',
        LIVEPERSON_DOMAIN_API_URL: 'https://api.liveperson.net',
        LIVEPERSON_CLIENT_ID: 'client-id-do-not-print',
        LIVEPERSON_CLIENT_SECRET: 'client-secret-do-not-print',
        LIVEPERSON_C2M_HANDOFF_ID: 'handoff-7',
        LIVEPERSON_SITE_ID: '38856538',
      },
    });
    expect(result.code).toBe(0);
    const entries = JSON.parse(result.stdout) as Array<{ key: string; value?: string; source: string }>;
    for (const key of NEW_KEYS)
      expect(
        entries.map((entry) => entry.key),
        key,
      ).toContain(key);
    expect(entries.find((entry) => entry.key === 'LIVEPERSON_AUTH')).toMatchObject({ value: 'oauth2', source: 'default' });
    expect(entries.find((entry) => entry.key === 'LIVEPERSON_CLIENT_SECRET')).toMatchObject({ value: '••••', source: 'env' });
    expect(result.stdout).not.toContain('do-not-print');
  });

  it('rejects C2M at a real LivePerson without a handoff id, naming LIVEPERSON_C2M_HANDOFF_ID', async () => {
    const result = await runDeflect(['config'], {
      env: {
        LIVEPERSON_API: 'c2m',
        LIVEPERSON_DOMAIN_API_URL: 'https://api.liveperson.net',
        LIVEPERSON_CLIENT_ID: 'id',
        LIVEPERSON_CLIENT_SECRET: 'secret-value',
      },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('DEFLECT_CONFIG_INVALID');
    expect(result.stderr).toMatch(/LIVEPERSON_C2M_HANDOFF_ID.*required/);
    expect(result.stderr).not.toContain('secret-value');
  });

  it('rejects OAuth 2.0 at a real LivePerson without a client secret, naming LIVEPERSON_CLIENT_SECRET', async () => {
    const result = await runDeflect(['config'], { env: { LIVEPERSON_AUTH: 'oauth2', LIVEPERSON_DOMAIN: 'va', LIVEPERSON_CLIENT_ID: 'id' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/LIVEPERSON_CLIENT_SECRET.*required/);
    expect(result.stderr).not.toMatch(/LIVEPERSON_CLIENT_ID.*required/);
  });

  it('needs nothing with the sandbox: LIVEPERSON_API=c2m alone is valid', async () => {
    const result = await runDeflect(['config'], { env: { LIVEPERSON_API: 'c2m' } });
    expect(result.code).toBe(0);
  });
});
