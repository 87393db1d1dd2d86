// LivePerson LiveDeflect: the InviteGateway adapter (contextAndInvite to send, getLiveDeflectData to reconcile),
// its request signing, and the sandbox that stands in for LiveDeflect locally.
export { createBearerAuthorizer, createOAuth1Authorizer, type OAuth1AuthorizerOptions, type OAuth1Credentials, type RequestAuthorizer } from './authorizer.js';
export { DEFAULT_TEXT_TAG_FIELD, toContextAndInviteBody, type ContextAndInviteBody, type ContextAndInviteBodyOptions, type TimeUnit } from './context-and-invite-body.js';
export { createLiveDeflectGateway, type LiveDeflectGateway, type LiveDeflectGatewayOptions } from './live-deflect-gateway.js';
export * from './sandbox/index.js';
