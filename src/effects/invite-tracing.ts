// The CLIENT span around one invite attempt: a child of the trace that delivered the acceptance (its stored
// traceparent), carrying attempt, site, classification, HTTP status and LivePerson's callId — never a phone
// number, a name or caller info (invariant 10).
import { SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { contextFromTraceparent, traceparentOf } from '../telemetry/trace-context.js';
import type { EligibilityResult, InviteResult } from './invite-gateway.js';

const tracer = () => trace.getTracer('deflect.effects');

export interface AttemptSpan {
  span: Span;
  /** The span's own W3C traceparent, stored on the attempt's events. */
  traceparent: string | undefined;
}

export function startAttemptSpan(
  parentTraceparent: string | undefined,
  attributes: { attempt: number; siteId: string; gateway: string; externalCallId: string },
): AttemptSpan {
  const span = tracer().startSpan(
    attributes.gateway === 'liveperson-c2m' ? 'C2M eligibility and invite' : 'LiveDeflect contextAndInvite',
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'deflect.attempt': attributes.attempt,
        'deflect.site_id': attributes.siteId,
        'deflect.gateway': attributes.gateway,
        'deflect.external_call_id': attributes.externalCallId,
      },
    },
    contextFromTraceparent(parentTraceparent),
  );
  return { span, traceparent: traceparentOf(span) };
}

/** Connect to Messaging's eligibility answer, on the attempt's span (an attempt is eligibility plus invite there). */
export function recordEligibilityOnSpan(span: Span, eligibility: Extract<EligibilityResult, { kind: 'eligible' }>): void {
  span.setAttributes({
    'deflect.eligibility': 'ELIGIBLE',
    'deflect.lp_call_id': eligibility.lpCallId,
    'deflect.eligibility_latency_ms': eligibility.latencyMs,
  });
}

export function endAttemptSpan(
  span: Span,
  result: InviteResult | Extract<EligibilityResult, { kind: 'notEligible' }> | { kind: 'fenced' } | { kind: 'error'; error: unknown },
): void {
  switch (result.kind) {
    case 'sent':
      span.setAttributes({ 'deflect.classification': 'SENT', 'http.response.status_code': result.httpStatus, 'deflect.lp_call_id': result.lpCallId });
      break;
    case 'failed':
      span.setAttributes({ 'deflect.classification': result.classification, 'deflect.error_code': result.code });
      if (result.httpStatus !== undefined) span.setAttribute('http.response.status_code', result.httpStatus);
      span.setStatus({ code: SpanStatusCode.ERROR, message: result.code });
      break;
    case 'inDoubt':
      span.setAttributes({ 'deflect.classification': 'IN_DOUBT', 'deflect.in_doubt_cause': result.cause });
      if (result.httpStatus !== undefined) span.setAttribute('http.response.status_code', result.httpStatus);
      span.setStatus({ code: SpanStatusCode.ERROR, message: `in doubt: ${result.cause}` });
      break;
    case 'notEligible':
      span.setAttributes({
        'deflect.classification': 'NOT_ELIGIBLE',
        'deflect.not_eligible_reason': result.reason,
        'http.response.status_code': result.httpStatus,
      });
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'not eligible' });
      break;
    case 'fenced':
      span.setAttribute('deflect.classification', 'FENCED');
      break;
    case 'error':
      span.setAttribute('deflect.classification', 'ERROR');
      span.setStatus({ code: SpanStatusCode.ERROR, message: result.error instanceof Error ? result.error.name : 'error' });
      break;
  }
  span.end();
}
