// The probes: /healthz (the process answers) and /readyz (the store answers, the source is connected, start-up
// finished and shutdown has not begun). deploy/ points its probes at these paths.
import { needs } from '../access.js';
import { HTTP_ROUTES } from '../routes.js';
import type { RouteModule } from './route-module.js';

export const healthRoutes: RouteModule = (app, { readiness }) => {
  app.get(HTTP_ROUTES.health, needs('open'), async () => ({ status: 'ok' }));
  app.get(HTTP_ROUTES.ready, needs('open'), async (_request, reply) => {
    const state = await readiness();
    return reply.status(state.ready ? 200 : 503).send({ status: state.ready ? 'ready' : 'not ready', checks: state.checks });
  });
};
