// Every route module, registered in this order. One module per concern; add yours here.
import { callAuditRoutes } from './call-audit.js';
import { callEventsRoutes } from './call-events.js';
import { callUpdatesRoutes } from './call-updates.js';
import { callHistoryRoutes } from './call-history.js';
import { callsRoutes } from './calls.js';
import { consoleReadRoutes } from './console-reads.js';
import { healthRoutes } from './health.js';
import { metricsRoutes } from './metrics.js';
import type { RouteModule } from './route-module.js';
import { consolePageRoutes } from './console-page.js';

export type { RouteModule } from './route-module.js';

export const ROUTE_MODULES: readonly RouteModule[] = [
  callEventsRoutes,
  callsRoutes,
  callHistoryRoutes,
  callAuditRoutes,
  callUpdatesRoutes,
  consoleReadRoutes,
  consolePageRoutes,
  healthRoutes,
  metricsRoutes,
];
