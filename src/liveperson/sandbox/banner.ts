// The sandbox says, loudly and everywhere it can, that it sends no SMS: a banner for the CLI and a header on
// every answer, so nobody mistakes a demo for production.

export const SANDBOX_HEADER = 'x-sandbox';
export const SANDBOX_HEADER_VALUE = 'no-real-sms';

export function sandboxBanner(url: string): string {
  return `*** LivePerson SANDBOX (LiveDeflect, Connect to Messaging) at ${url}: NO REAL SMS IS SENT. Invites are recorded in memory only and answered as LivePerson would. ***`;
}
