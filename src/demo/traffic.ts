// Synthetic IVR traffic for `deflect demo`: a realistic mix of calls from a seeded generator, so a run can be
// repeated exactly. Each call is a script: its events (times relative to the call's start) in the order they
// are sent, which is not always the order they happened — acceptances before the call-begun event, duplicate
// deliveries and a few malformed events are part of the mix, as on a real Kafka topic.
import { seededRandom, type Random } from '../liveperson/sandbox/seeded-random.js';

export type CallKind =
  | 'mobileAccepted'
  | 'usMobileAccepted'
  | 'usAmbiguousAccepted'
  | 'landlineOverriddenByMobile'
  | 'ukLandline'
  | 'usLandline'
  | 'invalidNumber'
  | 'declined'
  | 'hungUpBeforeAccept'
  | 'neverOffered'
  | 'acceptedBeforeBegun'
  | 'neverBegun';

/** The share of each kind; they sum to 1. */
export const CALL_MIX: ReadonlyArray<readonly [CallKind, number]> = [
  ['mobileAccepted', 0.24],
  ['usMobileAccepted', 0.14],
  ['usAmbiguousAccepted', 0.05],
  ['landlineOverriddenByMobile', 0.03],
  ['ukLandline', 0.09],
  ['usLandline', 0.04],
  ['invalidNumber', 0.05],
  ['declined', 0.12],
  ['hungUpBeforeAccept', 0.1],
  ['neverOffered', 0.06],
  ['acceptedBeforeBegun', 0.06],
  ['neverBegun', 0.02],
];

/** One event as sent: JSON fields of CONTRACTS §1, `at` ms after the call's start (stamped at send time). */
export interface ScriptedEvent {
  at: number;
  fields: Record<string, unknown>;
}

export interface CallScript {
  externalCallId: string;
  kind: CallKind;
  /** In send order. A duplicate delivery is the same event object twice. */
  events: ScriptedEvent[];
  /** Events sent that the service must refuse at the edge (422). */
  malformed: number;
  duplicates: number;
}

export interface TrafficOptions {
  calls: number;
  seed: number;
  /** Share of calls with one event delivered twice. */
  duplicateRate?: number;
  /** Share of calls with one malformed event (refused at the edge, the call itself unharmed). */
  malformedRate?: number;
}

export const DEMO_SITES = ['38856538', '72551234', '90011225'] as const;
const SKILLS = ['billing', 'sales', 'support', 'retention'] as const;
const FIRST_NAMES = ['Dana', 'Amir', 'Grace', 'Tomás', 'Mei', 'Olu', 'Priya', 'Jonas'] as const;
const LAST_NAMES = ['Okafor', 'Haddad', 'Lindqvist', 'Moreau', 'Chen', 'Adeyemi', 'Rao', 'Becker'] as const;
const US_AREAS = ['404', '212', '312', '415', '646', '713'] as const;
/** Mobile ranges in which every six-digit ending is a valid number in libphonenumber's metadata. */
const UK_MOBILE_PREFIXES = ['7400', '7500', '7712', '7800', '7900'] as const;

function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new RangeError('pick from an empty list');
  return item;
}

const digits = (random: Random, count: number): string => Array.from({ length: count }, () => String(Math.floor(random() * 10))).join('');

export const phoneOf = {
  ukMobile: (random: Random) => ({ e164: `+44${pick(random, UK_MOBILE_PREFIXES)}${digits(random, 6)}` }),
  usNumber: (random: Random) => ({ countryCode: '1', phoneNumber: `${pick(random, US_AREAS)}${2 + Math.floor(random() * 8)}${digits(random, 6)}` }),
  ukLandline: (random: Random) => ({ e164: `+4420794600${digits(random, 2)}` }),
  invalid: (random: Random) => ({ e164: `+4412345${digits(random, 2)}` }),
  dialed: () => ({ e164: '+18005550100' }),
};

function kindOf(random: Random): CallKind {
  let draw = random();
  for (const [kind, share] of CALL_MIX) {
    if (draw < share) return kind;
    draw -= share;
  }
  return 'mobileAccepted';
}

export function generateTraffic(options: TrafficOptions): CallScript[] {
  const random = seededRandom(options.seed);
  const scripts: CallScript[] = [];
  for (let index = 0; index < options.calls; index++) {
    const kind = kindOf(random);
    const externalCallId = `demo-${options.seed}-${String(index + 1).padStart(5, '0')}`;
    const script = scriptFor(kind, externalCallId, random);
    if (random() < (options.duplicateRate ?? 0.1) && script.events.length > 0) {
      // At-least-once delivery: one event arrives again, later.
      const again = pick(random, script.events);
      script.events.push(again);
      script.duplicates++;
    }
    if (random() < (options.malformedRate ?? 0.02)) {
      script.events.splice(1, 0, { at: 1, fields: { type: 'DeflectionOffered', eventId: `${externalCallId}-bad`, occurredAt: 'yesterday', externalCallId } });
      script.malformed++;
    }
    scripts.push(script);
  }
  return scripts;
}

function scriptFor(kind: CallKind, externalCallId: string, random: Random): CallScript {
  const siteId = pick(random, DEMO_SITES);
  const skill = pick(random, SKILLS);
  let sequence = 0;
  const event = (at: number, type: string, fields: Record<string, unknown> = {}): ScriptedEvent => ({
    at,
    fields: { type, eventId: `${externalCallId}-${++sequence}`, externalCallId, siteId, ...fields },
  });
  const person = { firstName: pick(random, FIRST_NAMES), lastName: pick(random, LAST_NAMES) };
  const callerInfo = { accountTier: pick(random, ['gold', 'silver', 'basic']), openBalance: Math.round(random() * 50_000) / 100 };
  const begun = (customer: Record<string, string>, lineType?: string): ScriptedEvent =>
    event(0, 'CallBegun', { customer, dialed: phoneOf.dialed(), ...(lineType ? { lineType } : {}), callerInfo, ...person });
  const offered = event(15_000, 'DeflectionOffered', { skill });
  const accepted = (extra: Record<string, unknown> = {}): ScriptedEvent => event(20_000, 'DeflectionAccepted', { callerEnteredDigits: '1', ...extra });
  const ended = (reason: string): ScriptedEvent => event(25_000, 'CallEnded', { reason });
  const script = (events: ScriptedEvent[]): CallScript => ({ externalCallId, kind, events, malformed: 0, duplicates: 0 });

  switch (kind) {
    case 'mobileAccepted':
      return script([begun(phoneOf.ukMobile(random)), offered, accepted(), ended('HANGUP')]);
    case 'usMobileAccepted':
      return script([begun(phoneOf.usNumber(random), 'MOBILE'), offered, accepted(), ended('HANGUP')]);
    case 'usAmbiguousAccepted':
      return script([begun(phoneOf.usNumber(random)), offered, accepted(), ended('COMPLETED')]);
    case 'landlineOverriddenByMobile':
      // The caller rang from a landline and keyed in a mobile number for the text.
      return script([begun(phoneOf.ukLandline(random)), offered, accepted({ customer: phoneOf.ukMobile(random) }), ended('HANGUP')]);
    case 'ukLandline':
      return script([begun(phoneOf.ukLandline(random)), offered, accepted(), ended('HANGUP')]);
    case 'usLandline':
      return script([begun(phoneOf.usNumber(random), 'LANDLINE'), offered, accepted(), ended('HANGUP')]);
    case 'invalidNumber':
      return script([begun(phoneOf.invalid(random)), offered, accepted(), ended('HANGUP')]);
    case 'declined':
      return script([begun(phoneOf.ukMobile(random)), offered, event(18_000, 'DeflectionDeclined'), ended('TRANSFERRED')]);
    case 'hungUpBeforeAccept':
      return script([begun(phoneOf.usNumber(random), 'MOBILE'), offered, ended('HANGUP')]);
    case 'neverOffered':
      // Most callers are never offered a text: the IVR resolves their call.
      return script([begun(phoneOf.ukMobile(random)), ended('COMPLETED')]);
    case 'acceptedBeforeBegun': {
      // The acceptance overtook the call-begun event (another partition, a slow producer).
      const first = begun(phoneOf.ukMobile(random));
      return script([accepted({ skill }), first, ended('HANGUP')]);
    }
    case 'neverBegun':
      // The call-begun event never arrives: the acceptance fails for missing call context after the grace.
      return script([offered, accepted()]);
  }
}
