// Every route module, registered in this order. One module per concern; add yours here.
import { callEventsRoutes } from './call-events.js';
import { callHistoryRoutes } from './call-history.js';
import { callsRoutes } from './calls.js';
import { healthRoutes } from './health.js';
import { metricsRoutes } from './metrics.js';
import type { RouteModule } from './route-module.js';

export type { RouteModule } from './route-module.js';

export const ROUTE_MODULES: readonly RouteModule[] = [callEventsRoutes, callsRoutes, callHistoryRoutes, healthRoutes, metricsRoutes];
