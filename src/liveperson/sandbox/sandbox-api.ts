// What `startSandbox` takes and gives: the options of a sandbox and the handle tests and `deflect sandbox` hold.
import type { Clock } from '../../shared/clock.js';
import type { OAuth1Credentials } from '../authorizer.js';
import type { ClientCredentials } from '../oauth2-authorizer.js';
import type { C2mSandboxOptions, C2mSandboxTransaction } from './c2m-api.js';
import type { SandboxFaultRates, ScriptedResponse } from './fault-plan.js';
import type { SandboxLedger } from './ledger.js';

export interface SandboxOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Defaults to SANDBOX_CREDENTIALS, field by field. */
  credentials?: Partial<OAuth1Credentials>;
  /** Also accept this static bearer token (`LIVEPERSON_AUTH=bearer`). */
  bearerToken?: string;
  /** Sentinel's client credentials; defaults to SANDBOX_CLIENT_CREDENTIALS, field by field. */
  clientCredentials?: Partial<ClientCredentials>;
  /** Lifetime of the OAuth 2.0 tokens Sentinel issues; default 3600 s. Short ones exercise renewal. */
  tokenLifetimeSeconds?: number;
  /** Connect to Messaging's settings (the handoff id it accepts, the report page size). */
  c2m?: C2mSandboxOptions;
  /** Checks oauth_timestamp and stamps eventTime. */
  clock?: Clock;
  /** Seed of the generator behind fault rates and latency draws; default 1. */
  seed?: number;
  faults?: SandboxFaultRates;
  /** Accepted distance of oauth_timestamp from the clock; default 300 s. */
  timestampWindowSeconds?: number;
  /**
   * The first callId handed out; they increase by one. Default: a random start, so two sandboxes (two runs, two
   * processes) do not hand out the same callIds and an lpCallId points at one SMS in a log or a ledger.
   */
  firstCallId?: number;
}

export interface Sandbox {
  url: string;
  ledger: SandboxLedger;
  /** The line to print before anything else: no real SMS is sent. */
  banner: string;
  /** Scripts the next answers, in order; scripted answers take precedence over fault rates. */
  nextResponses(responses: ScriptedResponse[]): void;
  setFaults(rates: SandboxFaultRates): void;
  /**
   * Resolves once at least `requests` requests (default 0) have arrived in total and every arrived request has been
   * answered, or deliberately not: tests wait on this instead of sleeping.
   */
  settled(options?: { requests?: number }): Promise<void>;
  /** Resolves once `requests` requests have arrived in total, answered or not. */
  received(requests: number): Promise<void>;
  /** Connect to Messaging's deflections: every eligibility, with the invites accepted for its callId. */
  c2mTransactions(): C2mSandboxTransaction[];
  /** Sentinel: tokens issued so far, and the lifetime of the next ones. */
  tokensIssued(): number;
  setTokenLifetime(seconds: number): void;
  close(): Promise<void>;
}
