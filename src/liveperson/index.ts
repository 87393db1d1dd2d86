// LivePerson: the two InviteGateway adapters — LiveDeflect (contextAndInvite to send, getLiveDeflectData to
// reconcile) and Connect to Messaging (./c2m/: eligibility then invite, transactions to reconcile, analytics) —
// their authorization (OAuth 1.0, a static bearer token, OAuth 2.0 client credentials), host discovery through
// the Domain API, and the sandbox that stands in for all of it locally.
export {
  createBearerAuthorizer,
  createOAuth1Authorizer,
  type OAuth1AuthorizerOptions,
  type OAuth1Credentials,
  type RequestAuthorizer,
  type SigningAuthorizer,
} from './authorizer.js';
export { createC2mGateway, type C2mGateway, type C2mGatewayOptions } from './c2m/c2m-gateway.js';
export {
  DEFAULT_TEXT_TAG_FIELD,
  toContextAndInviteBody,
  type ContextAndInviteBody,
  type ContextAndInviteBodyOptions,
  type TimeUnit,
} from './context-and-invite-body.js';
export { createDomainDiscovery, type HostResolver, type LivePersonService } from './domain-discovery.js';
export { createLiveDeflectGateway, type LiveDeflectGateway, type LiveDeflectGatewayOptions } from './live-deflect-gateway.js';
export { createOAuth2Authorizer, type ClientCredentials, type OAuth2AuthorizerOptions } from './oauth2-authorizer.js';
export * from './sandbox/index.js';
