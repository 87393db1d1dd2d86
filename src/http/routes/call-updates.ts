// GET /v1/call-updates: server-sent events that keep the console's call list live without reloading. Every
// half second, the calls of the live list that changed since the last message go out as list items (`event:
// calls`); a quiet stream sends a comment every 15 s so proxies keep it open. Streams end when the server
// closes, so a shutdown never waits on an open page.
import { PassThrough } from 'node:stream';
import { callListItemOf } from '../../projections/call-query.js';
import { needs } from '../access.js';
import { sendError } from '../http-errors.js';
import { HTTP_ROUTES } from '../routes.js';
import type { RouteModule } from './route-module.js';

const FLUSH_EVERY_MS = 500;
const KEEP_ALIVE_EVERY_MS = 15_000;
/** At most this many calls per message; past it the message says `overflow` and the page re-reads its page. */
export const MAX_CALLS_PER_UPDATE = 500;

export const callUpdatesRoutes: RouteModule = (app, { config, callList, callListChanges }) => {
  const open = new Set<() => void>();
  app.addHook('preClose', (done) => {
    for (const close of [...open]) close();
    done();
  });
  app.get(HTTP_ROUTES.callUpdates, needs('read'), async (request, reply) => {
    if (!callList || !callListChanges) return sendError(reply, 'DEFLECT_NOT_READY', 'no call list is kept by this process');
    const stream = new PassThrough();
    const changed = new Set<string>();
    const unsubscribe = callListChanges((externalCallId) => {
      // Re-added at the end, so the newest changes are the ones kept when there are too many.
      changed.delete(externalCallId);
      changed.add(externalCallId);
    });
    const flush = (): void => {
      if (changed.size === 0) return;
      const ids = [...changed];
      changed.clear();
      const settings = { now: Date.now(), inviteDeadlineMs: config.invite.deadlineMs };
      const calls = ids.slice(-MAX_CALLS_PER_UPDATE).flatMap((externalCallId) => {
        const row = callList.row(externalCallId);
        return row ? [callListItemOf(row, settings)] : [];
      });
      stream.write(`event: calls\ndata: ${JSON.stringify({ calls, overflow: ids.length > MAX_CALLS_PER_UPDATE })}\n\n`);
    };
    const flushing = setInterval(flush, FLUSH_EVERY_MS);
    const keepingAlive = setInterval(() => stream.write(': keep-alive\n\n'), KEEP_ALIVE_EVERY_MS);
    const close = (): void => {
      if (!open.delete(close)) return;
      clearInterval(flushing);
      clearInterval(keepingAlive);
      unsubscribe();
      stream.end();
    };
    open.add(close);
    request.raw.on('close', close);
    // Sent at once, so the page knows the stream is open before any call changes.
    stream.write('retry: 2000\n: open\n\n');
    return reply.header('content-type', 'text/event-stream; charset=utf-8').header('cache-control', 'no-cache').header('x-accel-buffering', 'no').send(stream);
  });
};
