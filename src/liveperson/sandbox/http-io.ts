// The sandbox's few HTTP helpers: read a bounded body, answer JSON with the no-real-SMS header.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SANDBOX_HEADER, SANDBOX_HEADER_VALUE } from './banner.js';

export const MAX_BODY_BYTES = 1024 * 1024;

/** Resolves with the body, or undefined when it exceeds the bound or the connection fails first. */
export function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size <= MAX_BODY_BYTES ? Buffer.concat(chunks).toString('utf8') : undefined));
    req.on('error', () => resolve(undefined));
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    [SANDBOX_HEADER]: SANDBOX_HEADER_VALUE,
  });
  res.end(text);
}
