// The HTTP surface, named once: the server registers these routes and deploy/ probes point at them
// (a test checks that every probe path in deploy/ is one of these).
export const HTTP_ROUTES = {
  postCallEvents: '/v1/call-events',
  getCall: '/v1/calls/:externalCallId',
  getCallHistory: '/v1/calls/:externalCallId/history',
  listCalls: '/v1/calls',
  health: '/healthz',
  ready: '/readyz',
  metrics: '/metrics',
} as const;
