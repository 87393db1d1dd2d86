// Serves the console page (`/`) and its built assets (`/console/:asset`) from the folder `npm run build` writes
// (dist/console, from src/console/page/): no CDN, nothing fetched at run time. Every response carries a strict
// Content-Security-Policy: scripts and styles from this origin only, no inline code, no frames, requests to this
// origin only. The page holds no data, so it is served without a token; its scripts read through the API with one.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { needs } from '../access.js';
import { sendError } from '../http-errors.js';
import { HTTP_ROUTES } from '../routes.js';
import type { RouteModule } from './route-module.js';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const MEDIA_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

interface Asset {
  mediaType: string;
  body: Buffer;
  gzipped: Buffer;
  etag: string;
}

/** dist/console under the package root, found from this file whether it runs compiled (dist/src/…) or from source. */
export function defaultConsoleAssetsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dist', 'console');
}

/** The built files, read once; undefined while the folder has no index.html (the console is not built). */
function loadAssets(dir: string): Map<string, Asset> | undefined {
  if (!existsSync(join(dir, 'index.html'))) return undefined;
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(dir)) {
    const mediaType = MEDIA_TYPES[extname(name)];
    if (mediaType === undefined) continue;
    const body = readFileSync(join(dir, name));
    assets.set(name, {
      mediaType,
      body,
      gzipped: gzipSync(body, { level: 9 }),
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
    });
  }
  return assets;
}

function sendAsset(request: FastifyRequest, reply: FastifyReply, asset: Asset): FastifyReply {
  void reply
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('cache-control', 'no-cache')
    .header('etag', asset.etag)
    .header('vary', 'accept-encoding')
    .type(asset.mediaType);
  if (request.headers['if-none-match'] === asset.etag) return reply.status(304).send();
  if (/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) return reply.header('content-encoding', 'gzip').send(asset.gzipped);
  return reply.send(asset.body);
}

export const consolePageRoutes: RouteModule = (app, { config, consoleAssetsDir }) => {
  if (!config.console.enabled) return;
  const dir = consoleAssetsDir ?? defaultConsoleAssetsDir();
  let assets: Map<string, Asset> | undefined;
  const built = (): Map<string, Asset> | undefined => (assets ??= loadAssets(dir));
  app.get(HTTP_ROUTES.console, needs('open'), async (request, reply) => {
    const index = built()?.get('index.html');
    if (!index) return sendError(reply, 'DEFLECT_CONSOLE_NOT_BUILT', `no ${join(dir, 'index.html')}`);
    return sendAsset(request, reply, index);
  });
  app.get<{ Params: { asset: string } }>(HTTP_ROUTES.consoleAsset, needs('open'), async (request, reply) => {
    const asset = built()?.get(request.params.asset);
    if (!asset || request.params.asset === 'index.html') return sendError(reply, 'DEFLECT_NOT_FOUND', 'no such console file');
    return sendAsset(request, reply, asset);
  });
};
