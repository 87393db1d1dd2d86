// The sandbox's default credentials: obviously not real, and what the service signs with when no LivePerson
// credentials are configured and it runs against the in-process sandbox.
import type { OAuth1Credentials } from '../authorizer.js';

export const SANDBOX_CREDENTIALS: Readonly<OAuth1Credentials> = Object.freeze({
  consumerKey: 'sandbox-app-key',
  consumerSecret: 'sandbox-app-secret',
  accessToken: 'sandbox-access-token',
  accessTokenSecret: 'sandbox-access-token-secret',
});
