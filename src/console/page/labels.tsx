// Small pieces every page uses: the outcome badge, the attention badges, a time cell, an error line.
import type { CallListItem } from './api.js';
import { formatTime, words } from './format.js';

/** The reasons of CONTRACTS §2, offered as filter values (a reason the service adds later can still be typed). */
export const REASONS = [
  'INELIGIBLE_NUMBER',
  'SUPPRESSED',
  'MISSING_CALL_CONTEXT',
  'REJECTED',
  'AUTH_FAILED',
  'RETRIES_EXHAUSTED',
  'EXPIRED',
  'DECLINED',
  'ENDED_BEFORE_ACCEPT',
] as const;

export const OUTCOMES = ['IN_PROGRESS', 'INVITE_SENT', 'FAILED', 'NOT_DEFLECTED'] as const;

const ATTENTION_TEXT: Record<string, string> = {
  IN_DOUBT: 'in doubt',
  RETRYING: 'retrying',
  NEAR_DEADLINE: 'near deadline',
  AUTH_FAILED: 'auth failed',
};

export function OutcomeBadge({ outcome }: { outcome: string }) {
  return <span class={`badge outcome-${outcome.toLowerCase().replaceAll('_', '-')}`}>{words(outcome)}</span>;
}

export function AttentionBadges({ call }: { call: Pick<CallListItem, 'attention'> }) {
  return (
    <>
      {call.attention.map((attention) => (
        <span key={attention} class={`badge attention attention-${attention.toLowerCase().replaceAll('_', '-')}`} data-testid="attention">
          {ATTENTION_TEXT[attention] ?? words(attention)}
        </span>
      ))}
    </>
  );
}

export function Time({ at }: { at: number | null | undefined }) {
  if (at === null || at === undefined) return <span class="muted">—</span>;
  return (
    <time dateTime={new Date(at).toISOString()} title={new Date(at).toISOString()}>
      {formatTime(at)}
    </time>
  );
}

export function Problem({ error }: { error: unknown }) {
  if (error === undefined) return null;
  return (
    <p class="problem" role="alert">
      {error instanceof Error ? error.message : String(error)}
    </p>
  );
}
