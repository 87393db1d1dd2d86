// What a call-event source (HTTP, Kafka) is given by the composition root (src/app/service.ts): three narrow
// ports instead of the service, so a source reaches only what it uses and never imports the app layer.
import type { OpenCallScope } from '../projections/open-calls.js';
import type { EventStore } from '../store/event-store.js';
import type { Ingest } from './ingest.js';

/** The pending work of the calls this instance owns, as partition ownership moves (Kafka). */
export interface PendingWork {
  /** Finds the open calls of `scope` in the store and resumes their pending work; resolves with how many calls. */
  resume(scope: OpenCallScope): Promise<number>;
  /** Forgets the work of the calls that match (a revoked partition's): their new owner resumes them. */
  release(lost: (externalCallId: string, recorded: number | undefined) => boolean): void;
  /** A partition's backlog is read: runs the due timers that waited for it. */
  releaseTimers(): void;
  /** Work due now or started and unfinished: what a slow LivePerson piles up (backpressure). */
  backlog(): number;
}

/** Reads one call's stream (the call read API). */
export type CallReader = Pick<EventStore, 'readStream'>;

export interface SourcePorts {
  ingest: Ingest;
  pendingWork: PendingWork;
  calls: CallReader;
}
