import { describe, expect, it } from 'vitest';
import { toContextAndInviteBody } from '../context-and-invite-body.js';
import { inviteRequest } from '../testing/invite-request.js';
import { validateInviteBody } from './validate-invite-body.js';

const valid = (): Record<string, unknown> => ({ ...toContextAndInviteBody(inviteRequest()) });

describe('validateInviteBody', () => {
  it('accepts what the client builds, and the API page example spelling of the tag', () => {
    expect(validateInviteBody(valid()).ok).toBe(true);
    expect(validateInviteBody({ ...valid(), deflectionTagText: 'template-1', callerInfo: { a: 1 } }).ok).toBe(true);
  });

  it('names the first required field that is missing, empty or not a string', () => {
    for (const field of ['siteId', 'skill', 'externalCallId', 'callBeginTime', 'deflectionHandle']) {
      for (const value of [undefined, '', 5]) {
        expect(validateInviteBody({ ...valid(), [field]: value })).toMatchObject({ ok: false, field });
      }
    }
  });

  it('enforces the rules the page states in prose', () => {
    expect(validateInviteBody({ ...valid(), isMobile: 'false' })).toMatchObject({ ok: false, field: 'isMobile' });
    expect(validateInviteBody({ ...valid(), isMobile: true })).toMatchObject({ ok: false, field: 'isMobile' });
    expect(validateInviteBody({ ...valid(), deflectionChannel: 'voice' })).toMatchObject({ ok: false, field: 'deflectionChannel' });
    expect(validateInviteBody({ ...valid(), deflectionHandle: '+447700900123' })).toMatchObject({ ok: false, field: 'deflectionHandle' });
    expect(validateInviteBody({ ...valid(), customerCountryCode: '+44' })).toMatchObject({ ok: false, field: 'customerCountryCode' });
    expect(validateInviteBody({ ...valid(), callerInfo: '{"a":1}' })).toMatchObject({ ok: false, field: 'callerInfo' });
    expect(validateInviteBody({ ...valid(), firstName: 7 })).toMatchObject({ ok: false, field: 'firstName' });
    expect(validateInviteBody({ ...valid(), externalCustomerId: '1' })).toMatchObject({ ok: false, field: 'externalCustomerIdDescriptor' });
    expect(validateInviteBody({ ...valid(), externalCustomerIdDescriptor: 'id' })).toMatchObject({ ok: false, field: 'externalCustomerId' });
    expect(validateInviteBody([valid()])).toMatchObject({ ok: false });
  });

  it('keeps only what reporting echoes: no names, no text', () => {
    const check = validateInviteBody({ ...valid(), firstName: 'John', lastName: 'Doe', deflectionText: 'hi', callerEnteredDigits: '12' });
    expect(check.ok && Object.keys(check.body)).not.toContain('firstName');
    expect(check.ok && check.body.callerEnteredDigits).toBe('12');
  });
});
