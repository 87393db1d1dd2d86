// The shape of one route module: it registers its routes (paths from HTTP_ROUTES) on the app.
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../http-deps.js';

export type RouteModule = (app: FastifyInstance, deps: HttpDeps) => void;
