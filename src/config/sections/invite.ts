// How hard and how fast the effects runner tries to send an invite: the deadline after acceptance (no stale
// SMS), the retry schedule, and the limits that keep LivePerson from being flooded.
import { defineKey, defineSection } from '../key.js';
import { decimal, integer } from '../parse.js';

export interface RetryConfig {
  readonly baseMs: number;
  readonly maxMs: number;
  readonly maxAttempts: number;
  /** Fraction of each delay that is randomised (0–1), so retries from many calls do not arrive together. */
  readonly jitter: number;
}

export interface InviteConfig {
  /** An invite not sent this long after acceptance fails as EXPIRED. */
  readonly deadlineMs: number;
  /** How long an acceptance waits for its CallBegun before the call fails for missing context. */
  readonly graceMs: number;
  readonly retry: RetryConfig;
  readonly concurrency: number;
  /** Invites per second per site; undefined means unlimited. */
  readonly siteRatePerSecond: number | undefined;
}

const HOUR_MS = 3_600_000;

export const inviteSection = defineSection(
  [
    defineKey({
      name: 'DEFLECT_INVITE_DEADLINE_MS',
      group: 'invite',
      parser: integer(1_000, 24 * HOUR_MS),
      default: '120000',
      description: 'An invite not sent within this many ms after acceptance fails as `EXPIRED`.',
    }),
    defineKey({
      name: 'DEFLECT_GRACE_MS',
      group: 'invite',
      parser: integer(0, HOUR_MS),
      default: '30000',
      description: 'How long an accepted call waits for its `CallBegun` before failing with `MISSING_CALL_CONTEXT`.',
    }),
    defineKey({
      name: 'DEFLECT_RETRY_BASE_MS',
      group: 'invite',
      parser: integer(1, 10 * 60_000),
      default: '1000',
      description: 'First retry delay; doubles per attempt.',
    }),
    defineKey({ name: 'DEFLECT_RETRY_MAX_MS', group: 'invite', parser: integer(1, HOUR_MS), default: '15000', description: 'Longest retry delay.' }),
    defineKey({
      name: 'DEFLECT_RETRY_MAX_ATTEMPTS',
      group: 'invite',
      parser: integer(1, 100),
      default: '5',
      description: 'Attempts (the first included) before failing with `RETRIES_EXHAUSTED`.',
    }),
    defineKey({
      name: 'DEFLECT_RETRY_JITTER',
      group: 'invite',
      parser: decimal(0, 1),
      default: '0.2',
      description: 'Fraction of each retry delay that is randomised.',
    }),
    defineKey({
      name: 'DEFLECT_INVITE_CONCURRENCY',
      group: 'invite',
      parser: integer(1, 10_000),
      default: '32',
      description: 'Requests to LivePerson in flight at once, per instance (invites and reconciliations); due work beyond it waits its turn.',
    }),
    defineKey({
      name: 'DEFLECT_SITE_RATE_PER_SECOND',
      group: 'invite',
      parser: decimal(0, 100_000),
      default: '20',
      description: 'Invites per second per LiveEngage site, per instance; `0` means unlimited.',
    }),
  ],
  (values, report): InviteConfig => {
    // A call accepted before its call-begun event waits the grace period, then still needs time to invite.
    if (values.DEFLECT_GRACE_MS >= values.DEFLECT_INVITE_DEADLINE_MS) {
      report('DEFLECT_GRACE_MS', `must be less than DEFLECT_INVITE_DEADLINE_MS (${values.DEFLECT_INVITE_DEADLINE_MS}), got ${values.DEFLECT_GRACE_MS}`);
    }
    if (values.DEFLECT_RETRY_MAX_MS < values.DEFLECT_RETRY_BASE_MS) {
      report('DEFLECT_RETRY_MAX_MS', `must be at least DEFLECT_RETRY_BASE_MS (${values.DEFLECT_RETRY_BASE_MS}), got ${values.DEFLECT_RETRY_MAX_MS}`);
    }
    return {
      deadlineMs: values.DEFLECT_INVITE_DEADLINE_MS,
      graceMs: values.DEFLECT_GRACE_MS,
      retry: {
        baseMs: values.DEFLECT_RETRY_BASE_MS,
        maxMs: values.DEFLECT_RETRY_MAX_MS,
        maxAttempts: values.DEFLECT_RETRY_MAX_ATTEMPTS,
        jitter: values.DEFLECT_RETRY_JITTER,
      },
      concurrency: values.DEFLECT_INVITE_CONCURRENCY,
      siteRatePerSecond: values.DEFLECT_SITE_RATE_PER_SECOND === 0 ? undefined : values.DEFLECT_SITE_RATE_PER_SECOND,
    };
  },
);
