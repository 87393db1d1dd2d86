// The log destination never stalls the process: a failed stream closes it (every later line dropped, its owner
// told once), a slow reader costs dropped lines rather than memory, held lines come out after the first line.
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogDestination, type LogStream } from './log-destination.js';

/** A stream whose writes are recorded and whose buffer length the test sets. */
function fakeStream(): LogStream & { written: string[]; buffered: number; fail(code: string): void; drained(): void } {
  const events = new EventEmitter();
  const stream = {
    written: [] as string[],
    buffered: 0,
    write(chunk: string) {
      stream.written.push(chunk);
      return true;
    },
    on: (event: 'error', listener: (error: Error) => void) => events.on(event, listener),
    once: (event: 'drain', listener: () => void) => events.once(event, listener),
    removeListener: (event: 'drain', listener: () => void) => events.removeListener(event, listener),
    get writableLength() {
      return stream.buffered;
    },
    fail(code: string) {
      events.emit('error', Object.assign(new Error(code), { code }));
    },
    drained() {
      stream.buffered = 0;
      events.emit('drain');
    },
  };
  return stream;
}

describe('createLogDestination', () => {
  it('passes lines through, and after the stream fails (EPIPE) drops every line and tells its owner once', () => {
    const stream = fakeStream();
    const closed: string[] = [];
    const destination = createLogDestination(stream, { onClosed: (code) => closed.push(code) });
    destination.write('one\n');
    stream.fail('EPIPE');
    stream.fail('EPIPE');
    destination.write('two\n');
    destination.write('three\n');
    expect(stream.written).toEqual(['one\n']);
    expect(closed).toEqual(['EPIPE']);
    expect(destination.closed).toBe(true);
    expect(destination.dropped).toBe(2);
  });

  it('closes when the stream throws on write, instead of retrying', () => {
    const stream = fakeStream();
    stream.write = () => {
      throw Object.assign(new Error('bad fd'), { code: 'EBADF' });
    };
    const closed: string[] = [];
    const destination = createLogDestination(stream, { onClosed: (code) => closed.push(code) });
    destination.write('one\n');
    destination.write('two\n');
    expect(closed).toEqual(['EBADF']);
    expect(destination.dropped).toBe(2);
  });

  it('drops lines while the reader is behind by more than the bound, then says how many were lost', () => {
    const stream = fakeStream();
    const destination = createLogDestination(stream, { maxBufferedBytes: 100 });
    stream.buffered = 101;
    destination.write('lost 1\n');
    destination.write('lost 2\n');
    stream.buffered = 0;
    destination.write('kept\n');
    expect(destination.dropped).toBe(2);
    expect(stream.written).toHaveLength(2);
    expect(JSON.parse(stream.written[0] ?? '')).toMatchObject({ level: 'warn', dropped: 2 });
    expect(stream.written[1]).toBe('kept\n');
  });

  it('holds lines until released, then writes the first line before them', () => {
    const stream = fakeStream();
    const destination = createLogDestination(stream, { hold: true, maxHeldLines: 2 });
    destination.write('starting\n');
    destination.write('resumed\n');
    destination.write('one too many\n');
    expect(stream.written).toEqual([]);
    destination.release('{"event":"listening"}\n');
    destination.write('later\n');
    expect(stream.written).toEqual(['{"event":"listening"}\n', 'starting\n', 'resumed\n', 'later\n']);
    expect(destination.dropped).toBe(1);
  });

  it('drains: resolves once the stream has taken its buffer, or when the bound passes', async () => {
    const stream = fakeStream();
    const destination = createLogDestination(stream);
    stream.buffered = 10;
    const drained = destination.drain(60_000);
    stream.drained();
    await drained;
    stream.buffered = 10;
    const started = Date.now();
    await destination.drain(50);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('works on a real stream whose reader has gone: no throw, no retry loop', async () => {
    const stream = new PassThrough();
    const closed: string[] = [];
    const destination = createLogDestination(stream, { onClosed: (code) => closed.push(code) });
    stream.destroy();
    destination.write('after destroy\n');
    destination.write('dropped\n');
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toEqual(['ERR_STREAM_DESTROYED']);
    expect(destination.dropped).toBe(2);
  });
});
