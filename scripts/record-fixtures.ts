// Records the call histories kept in test/fixtures/histories/: real runs of the invite step (decider, effects
// runner, LiveDeflect or Connect to Messaging gateway over HTTP to the sandbox, manual clock), one per path an
// auditor asks about — a retry, an attempt in doubt then reconciled, an invite that expired, a declined offer,
// C2M's eligibility then invite, refused, or in doubt. The tests replay these files. A file that exists is kept:
// recorded histories are history (a new machine version records new files beside the old ones); delete one to
// record it again on purpose.
// Usage: npx tsx scripts/record-fixtures.ts
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CallFact } from '../src/contracts/generated/schemas.js';
import type { ApplyOptions } from '../src/decide/decider.js';
import type { DecisionPolicy } from '../src/decide/policy.js';
import { DEFAULT_CONFIG_POLICY } from '../src/decide/testing/policy.js';
import { T0, UK_MOBILE, fact } from '../src/decide/testing/facts.js';
import { createInviteHarness, type InviteHarness } from '../src/effects/testing/invite-harness.js';
import { recordHistory, writeRecordedHistory } from '../src/audit/testing/recorded-history.js';

const directory = fileURLToPath(new URL('../test/fixtures/histories/', import.meta.url));

interface Scenario {
  file: string;
  externalCallId: string;
  description: string;
  policy?: Partial<DecisionPolicy>;
  /** LivePerson's behaviour for this call, set on the sandbox before the acceptance. */
  prepare?: (harness: InviteHarness) => void;
  declines?: boolean;
  /** Which LivePerson API; LiveDeflect (OAuth 1.0) by default, C2M with OAuth 2.0. */
  api?: 'livedeflect' | 'c2m';
}

const SCENARIOS: Scenario[] = [
  {
    file: 'retried.json',
    externalCallId: 'fixture-retried',
    description: 'LivePerson answered the first attempt 503; the retry after its backoff sent the invite.',
    prepare: (h) => h.sandbox.nextResponses([{ kind: 'status', status: 503 }]),
  },
  {
    file: 'in-doubt-reconciled.json',
    externalCallId: 'fixture-in-doubt',
    description: "The first attempt's response was lost; reporting found the SMS it had sent, so nothing was retried.",
    prepare: (h) => h.sandbox.nextResponses([{ kind: 'responseLost' }]),
  },
  {
    file: 'expired.json',
    externalCallId: 'fixture-expired',
    description: 'LivePerson answered 503 to every attempt until the invite deadline passed; the call failed EXPIRED.',
    policy: { retry: { ...DEFAULT_CONFIG_POLICY.retry, maxAttempts: 50 } },
    prepare: (h) => h.sandbox.setFaults({ serverErrorRate: 1, serverErrorStatus: 503 }),
  },
  {
    file: 'declined.json',
    externalCallId: 'fixture-declined',
    description: 'The caller declined the offer to continue by text; no invite was attempted.',
    declines: true,
  },
  {
    file: 'c2m-sent.json',
    externalCallId: 'fixture-c2m-sent',
    description: 'Connect to Messaging: LivePerson confirmed eligibility with its callId, recorded before the invite that named it; one SMS.',
    api: 'c2m',
  },
  {
    file: 'c2m-not-eligible.json',
    externalCallId: 'fixture-c2m-not-eligible',
    description: 'Connect to Messaging: LivePerson said the caller cannot be reached by messaging; no invite, the call failed NOT_ELIGIBLE.',
    api: 'c2m',
    prepare: (h) =>
      h.sandbox.nextResponses([
        {
          kind: 'status',
          status: 200,
          body: { eligible: false, callId: '5f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f', availableChannels: [] },
          endpoint: 'c2mEligibility',
        },
      ]),
  },
  {
    file: 'c2m-in-doubt-reconciled.json',
    externalCallId: 'fixture-c2m-in-doubt',
    description:
      "Connect to Messaging: the invite's answer was lost; C2M's transactions, matched on the recorded callId, showed the SMS, so nothing was retried.",
    api: 'c2m',
    prepare: (h) => h.sandbox.nextResponses([{ kind: 'responseLost', endpoint: 'c2mInvite' }]),
  },
  {
    file: 'c2m-eligibility-lost.json',
    externalCallId: 'fixture-c2m-eligibility-lost',
    description: "Connect to Messaging: the first eligibility answer was lost (harmless: it sends nothing); the retry's eligibility and invite sent one SMS.",
    api: 'c2m',
    prepare: (h) => h.sandbox.nextResponses([{ kind: 'responseLost', endpoint: 'c2mEligibility' }]),
  },
];

/** Inbound events arrive from Kafka, each with the producer's trace (ids derived from the call, so re-recording is stable). */
function fromKafka(callNumber: number, offset: number): ApplyOptions {
  const hex = (seed: string, width: number) => createHash('sha256').update(seed).digest('hex').slice(0, width);
  return {
    source: { kind: 'kafka', topic: 'telephony.call-events', partition: 3, offset: String(1_000 * callNumber + offset) },
    traceparent: `00-${hex(`trace ${callNumber}`, 32)}-${hex(`span ${callNumber}/${offset}`, 16)}-01`,
  };
}

async function record(scenario: Scenario, callNumber: number): Promise<string> {
  const path = join(directory, scenario.file);
  if (existsSync(path)) return `${path} (kept: recorded histories are history)`;
  const h = await createInviteHarness({ ...(scenario.policy ? { policy: scenario.policy } : {}), ...(scenario.api ? { api: scenario.api } : {}) });
  try {
    const id = scenario.externalCallId;
    let offset = 0;
    const inbound = (input: CallFact) => h.decider.apply(id, input, fromKafka(callNumber, offset++));
    await inbound(fact.callBegun(id, { customer: UK_MOBILE, lineType: 'MOBILE', firstName: 'Dana', lastName: 'Okafor', callerInfo: { tier: 'gold' } }));
    await inbound(fact.offered(id, { skill: 'sales' }));
    if (scenario.declines) {
      await inbound(fact.declined(id));
    } else {
      scenario.prepare?.(h);
      h.runner.schedule(await inbound(fact.accepted(id, { callerEnteredDigits: '1' })));
      await h.settle();
    }
    h.clock.set(Math.max(h.clock.now(), T0 + 40_000) + 1_000);
    await inbound(fact.ended(id, { occurredAt: h.clock.now() - 500 }));
    await writeRecordedHistory(path, await recordHistory(h.store, id, scenario.description));
    return `wrote ${path}`;
  } finally {
    await h.close();
  }
}

for (const [index, scenario] of SCENARIOS.entries()) console.log(`${await record(scenario, index + 1)}`);
