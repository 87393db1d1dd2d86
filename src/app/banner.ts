// What `deflect start` prints for a person: where to send events, where data lives, what LiveDeflect is
// (and, with the sandbox, that no real SMS is sent). Machines get the same facts as one JSON line.
import type { DeflectConfig } from '../config/index.js';
import { maskUrlCredentials } from '../config/mask.js';
import { sandboxBanner } from '../liveperson/sandbox/index.js';
import type { RunningService } from './run.js';

export interface ListeningEvent {
  event: 'listening';
  url: string;
  callEventsUrl: string;
  sandboxUrl: string | null;
  store: string;
  kafka: boolean;
  pid: number;
}

export function storeDescription(config: DeflectConfig): string {
  const store = config.store;
  return store.kind === 'sqlite' ? `sqlite:${store.path}` : store.kind === 'memory' ? 'memory (lost on exit)' : maskUrlCredentials(store.connectionString);
}

export function listeningEvent(running: RunningService): ListeningEvent {
  const config = running.service.config;
  return {
    event: 'listening',
    url: running.url,
    callEventsUrl: `${running.url}/v1/call-events`,
    sandboxUrl: running.sandboxUrl ?? null,
    store: storeDescription(config),
    kafka: config.kafka.enabled,
    pid: process.pid,
  };
}

export function startBanner(running: RunningService): string {
  const config = running.service.config;
  const { url } = running;
  const lines = [
    `deflect is running (pid ${process.pid}).`,
    `  Send call events:  POST ${url}/v1/call-events   (JSON, JSON array, NDJSON, or Avro single-object)`,
    `  Look at calls:     ${url}/v1/calls   ·   npx deflect calls`,
    ...(config.console.enabled ? [`  Console:           ${url}/`] : []),
    `  Probes, metrics:   ${url}/healthz   ${url}/readyz   ${url}/metrics`,
    `  Store:             ${storeDescription(config)}`,
  ];
  if (config.kafka.enabled)
    lines.push(`  Kafka:             ${config.kafka.brokers.join(',')} topic ${config.kafka.topics.callEvents} → outcomes ${config.kafka.topics.outcomes}`);
  else lines.push(`  Outcomes:          ${config.data.outcomesFile}`);
  const { ingest, read } = config.http.tokens;
  if (ingest || read) {
    lines.push(
      `  Auth:              posting events: ${ingest ? 'Bearer <DEFLECT_HTTP_INGEST_TOKEN>' : 'no token'} · reading calls: ${read ? 'Bearer <DEFLECT_HTTP_READ_TOKEN>' : 'no token'}`,
    );
  }
  if (config.http.legacyTokenUsed)
    lines.push('  Note:              DEFLECT_HTTP_TOKEN is deprecated: set DEFLECT_HTTP_INGEST_TOKEN and DEFLECT_HTTP_READ_TOKEN');
  const endpoint = config.livePerson.endpoint;
  const api = config.livePerson.api === 'c2m' ? 'Connect to Messaging' : 'LiveDeflect';
  lines.push(`  LivePerson:        ${api}, ${config.livePerson.auth.kind}${endpoint.kind === 'sandbox' ? ' (the sandbox)' : ` at ${endpoint.baseUrl}`}`);
  if (running.sandboxUrl) lines.push(sandboxBanner(running.sandboxUrl));
  lines.push('Stop with Ctrl-C (SIGTERM/SIGINT): in-flight invites finish or are parked; a second signal exits at once.');
  return lines.filter((line) => line !== '').join('\n');
}
