// GET /metrics: the Prometheus text exposition of the service's registry.
import { needs } from '../access.js';
import { HTTP_ROUTES } from '../routes.js';
import type { RouteModule } from './route-module.js';

export const metricsRoutes: RouteModule = (app, { metrics }) => {
  app.get(HTTP_ROUTES.metrics, needs('open'), async (_request, reply) => reply.header('content-type', metrics.contentType).send(await metrics.text()));
};
