// The HTTP surface, named once: the server registers these routes and deploy/ probes point at them
// (a test checks that every probe path in deploy/ is one of these).
export const HTTP_ROUTES = {
  postCallEvents: '/v1/call-events',
  getCall: '/v1/calls/:externalCallId',
  getCallHistory: '/v1/calls/:externalCallId/history',
  listCalls: '/v1/calls',
  callAudit: '/v1/calls/:externalCallId/audit',
  callPersonalData: '/v1/calls/:externalCallId/personal-data',
  callUpdates: '/v1/call-updates',
  funnel: '/v1/funnel',
  machine: '/v1/machine',
  about: '/v1/about',
  console: '/',
  consoleAsset: '/console/:asset',
  health: '/healthz',
  ready: '/readyz',
  metrics: '/metrics',
} as const;
