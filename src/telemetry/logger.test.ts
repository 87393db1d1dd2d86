import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secret } from '../config/secret.js';
import { createLogger, REDACTED, REDACTED_KEYS, type LoggerOptions } from './logger.js';

interface Capture {
  logger: ReturnType<typeof createLogger>;
  lines: () => Record<string, unknown>[];
  text: () => string;
}

function capture(options: Partial<LoggerOptions> = {}): Capture {
  const written: string[] = [];
  const logger = createLogger({ level: 'trace', ...options, destination: { write: (line: string) => void written.push(line) } });
  return {
    logger,
    lines: () => written.map((line) => JSON.parse(line) as Record<string, unknown>),
    text: () => written.join(''),
  };
}

function only(lines: Record<string, unknown>[]): Record<string, unknown> {
  expect(lines).toHaveLength(1);
  const [line] = lines;
  if (line === undefined) throw new Error('no line');
  return line;
}

describe('createLogger', () => {
  it('writes one JSON object per line with the level name, an ISO time and the message', () => {
    const log = capture({ level: 'info', name: 'deflect' });
    log.logger.debug('not written');
    log.logger.info({ externalCallId: 'call-1' }, 'invite sent');
    expect(log.text().endsWith('\n')).toBe(true);
    const line = only(log.lines());
    expect(line).toMatchObject({ level: 'info', name: 'deflect', externalCallId: 'call-1', msg: 'invite sent' });
    expect(new Date(String(line.time)).toISOString()).toBe(line.time);
  });

  describe.each(REDACTED_KEYS.map((key) => [key]))('redacts %s', (key) => {
    const marker = `SENSITIVE-${key}`;
    const shapes: [string, Record<string, unknown>, (line: Record<string, unknown>) => unknown][] = [
      ['at top level', { [key]: marker }, (line) => line[key]],
      ['one level down', { event: { [key]: marker } }, (line) => (line.event as Record<string, unknown>)[key]],
      ['four levels down', { a: { b: { c: { d: { [key]: marker } } } } }, (line) => dig(line, ['a', 'b', 'c', 'd', key])],
      ['inside an array', { calls: [{ [key]: marker }] }, (line) => (line.calls as Record<string, unknown>[])[0]?.[key]],
      ['with a nested object as its value', { [key]: { e164: marker, note: marker } }, (line) => line[key]],
      ['in differently cased form', { [key.toUpperCase()]: marker }, (line) => line[key.toUpperCase()]],
    ];
    it.each(shapes)('%s', (_shape, fields, read) => {
      const log = capture();
      log.logger.info({ ...fields, externalCallId: 'call-1' }, 'event');
      expect(log.text()).not.toContain(marker);
      const line = only(log.lines());
      expect(read(line)).toBe(REDACTED);
      expect(line.externalCallId).toBe('call-1');
    });

    it('in a child logger binding, nested', () => {
      const log = capture();
      log.logger
        .child({ call: { [key]: marker } })
        .child({ deeper: { [key]: marker } })
        .info('from a grandchild');
      expect(log.text()).not.toContain(marker);
      const line = only(log.lines());
      expect(dig(line, ['call', key])).toBe(REDACTED);
      expect(dig(line, ['deeper', key])).toBe(REDACTED);
    });
  });

  it('leaves fields that are not sensitive alone, and masks Secret values', () => {
    const log = capture();
    log.logger.info({ externalCallId: 'call-1', outcome: 'INVITE_SENT', attempts: 2, token: undefined, credential: secret('hunter2-hunter2') }, 'ok');
    expect(log.text()).not.toContain('hunter2');
    expect(only(log.lines())).toMatchObject({ externalCallId: 'call-1', outcome: 'INVITE_SENT', attempts: 2, credential: '••••' });
  });

  it('keeps logging errors through pino’s serializer and survives cycles', () => {
    const log = capture();
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    log.logger.error({ err: new Error('boom'), cyclic }, 'failed');
    const line = only(log.lines());
    expect(line.err).toMatchObject({ type: 'Error', message: 'boom' });
    expect(line.cyclic).toEqual({ name: 'loop', self: '[circular]' });
  });

  describe('trace correlation', () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const contextManager = new AsyncLocalStorageContextManager();

    beforeAll(() => {
      context.setGlobalContextManager(contextManager.enable());
    });

    afterAll(async () => {
      context.disable();
      await provider.shutdown();
    });

    it('adds the active span’s trace_id and span_id, also across an await', async () => {
      const log = capture();
      const tracer = provider.getTracer('logger-test');
      await tracer.startActiveSpan('invite', async (span) => {
        log.logger.info('before await');
        await new Promise((resolve) => setImmediate(resolve));
        log.logger.info('after await');
        span.end();
      });
      log.logger.info('outside');

      const [finished] = exporter.getFinishedSpans();
      if (finished === undefined) throw new Error('the span was not exported');
      const { traceId, spanId } = finished.spanContext();
      const [before, after, outside] = log.lines();
      expect(before).toMatchObject({ trace_id: traceId, span_id: spanId, trace_flags: '01', msg: 'before await' });
      expect(after).toMatchObject({ trace_id: traceId, span_id: spanId, msg: 'after await' });
      expect(outside).toBeDefined();
      expect(outside).not.toHaveProperty('trace_id');
      expect(outside).not.toHaveProperty('span_id');
      expect(trace.getActiveSpan()).toBeUndefined();
    });
  });
});

function dig(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const step of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[step];
  }
  return current;
}
