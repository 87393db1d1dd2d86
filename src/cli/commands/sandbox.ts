// `deflect sandbox`: the LivePerson sandbox on its own (LiveDeflect, the Domain API, Sentinel and Connect to
// Messaging), for a service pointed at it exactly as production points at LivePerson. It sends no SMS; it records them.
import type { Command } from 'commander';
import { SANDBOX_CREDENTIALS, startSandbox, type SandboxOptions } from '../../liveperson/sandbox/index.js';
import { SANDBOX_CLIENT_CREDENTIALS } from '../../liveperson/sandbox/sentinel.js';
import { SANDBOX_C2M_APP, SANDBOX_C2M_HANDOFF_ID } from '../../config/sections/live-person-today.js';
import { CliExit, EXIT, action, outputFor, withCommonOptions } from '../cli.js';
import { fraction, port, positiveInteger } from '../options.js';

interface SandboxCommandOptions {
  json?: boolean;
  host: string;
  port: number;
  seed?: number;
  latency?: number;
  serverErrorRate?: number;
  responseLostRate?: number;
  rateLimitRate?: number;
  tokenLifetime?: number;
}

export function sandboxOptionsOf(options: SandboxCommandOptions): SandboxOptions {
  return {
    host: options.host,
    port: options.port,
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.tokenLifetime !== undefined ? { tokenLifetimeSeconds: options.tokenLifetime } : {}),
    c2m: { handoffId: SANDBOX_C2M_HANDOFF_ID },
    faults: {
      ...(options.latency !== undefined ? { latency: options.latency } : {}),
      ...(options.serverErrorRate !== undefined ? { serverErrorRate: options.serverErrorRate, serverErrorStatus: 503 } : {}),
      ...(options.responseLostRate !== undefined ? { responseLostRate: options.responseLostRate } : {}),
      ...(options.rateLimitRate !== undefined ? { rateLimitRate: options.rateLimitRate } : {}),
    },
  };
}

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('sandbox')
      .description('run the LivePerson sandbox on its own: LiveDeflect, Domain API, Sentinel, Connect to Messaging (no real SMS)')
      .option('--host <host>', 'interface to bind', '127.0.0.1')
      .option('--port <port>', 'port to listen on (0 picks a free one)', port, 8089)
      .option('--seed <n>', 'seed of the fault and latency draws', positiveInteger)
      .option('--latency <ms>', 'answer every request after this many ms', positiveInteger)
      .option('--server-error-rate <0..1>', 'share of invites answered 503 and not processed', fraction)
      .option('--response-lost-rate <0..1>', 'share of invites recorded whose answer is then lost (in doubt)', fraction)
      .option('--rate-limit-rate <0..1>', 'share of invites answered 429', fraction)
      .option('--token-lifetime <seconds>', 'lifetime of the OAuth 2.0 tokens Sentinel issues (short ones exercise renewal)', positiveInteger)
      .addHelpText('after', '\nRead-only ledger for tests and demos: GET <url>/sandbox/ledger (SMS per externalCallId, no phone numbers).'),
    { json: true },
  ).action(
    action(async (options: SandboxCommandOptions) => {
      const out = outputFor(options.json ?? false);
      const sandbox = await startSandbox(sandboxOptionsOf(options)).catch((error: unknown) => {
        if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') {
          throw new CliExit(EXIT.failure, `DEFLECT_PORT_IN_USE: ${options.host}:${options.port} is in use: give --port a free port (0 picks one)`);
        }
        throw error;
      });
      const credentials = { LIVEPERSON_BASE_URL: sandbox.url, ...credentialEnv() };
      const c2m = c2mEnv(sandbox.url);
      out.data({ event: 'listening', url: sandbox.url, ledgerUrl: `${sandbox.url}/sandbox/ledger`, env: credentials, c2mEnv: c2m }, () =>
        [
          sandbox.banner,
          "Point a service at it with (these are the sandbox's public defaults, not secrets):",
          '  LiveDeflect with OAuth 1.0:',
          ...Object.entries(credentials).map(([key, value]) => `    ${key}=${value}`),
          '  or Connect to Messaging with OAuth 2.0 (hosts found through its Domain API):',
          ...Object.entries(c2m).map(([key, value]) => `    ${key}=${value}`),
          'Stop with Ctrl-C.',
        ].join('\n'),
      );
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGTERM', stop);
          process.off('SIGINT', stop);
          resolve();
        };
        process.on('SIGTERM', stop);
        process.on('SIGINT', stop);
      });
      await sandbox.close();
    }),
  );
}

function c2mEnv(url: string): Record<string, string> {
  return {
    LIVEPERSON_API: 'c2m',
    LIVEPERSON_AUTH: 'oauth2',
    LIVEPERSON_DOMAIN_API_URL: url,
    LIVEPERSON_CLIENT_ID: SANDBOX_CLIENT_CREDENTIALS.clientId,
    LIVEPERSON_CLIENT_SECRET: SANDBOX_CLIENT_CREDENTIALS.clientSecret,
    LIVEPERSON_C2M_HANDOFF_ID: SANDBOX_C2M_HANDOFF_ID,
    LIVEPERSON_C2M_APP: SANDBOX_C2M_APP,
  };
}

function credentialEnv(): Record<string, string> {
  return {
    LIVEPERSON_CONSUMER_KEY: SANDBOX_CREDENTIALS.consumerKey,
    LIVEPERSON_CONSUMER_SECRET: SANDBOX_CREDENTIALS.consumerSecret,
    LIVEPERSON_ACCESS_TOKEN: SANDBOX_CREDENTIALS.accessToken,
    LIVEPERSON_ACCESS_TOKEN_SECRET: SANDBOX_CREDENTIALS.accessTokenSecret,
  };
}
