// The LivePerson sandbox: a local stand-in for LiveDeflect, the Domain API, Sentinel and Connect to Messaging, for
// local runs, demos and tests. It verifies signatures, tokens and bodies as LivePerson does, injects faults on
// demand, and never sends an SMS.
export { sandboxBanner, SANDBOX_HEADER, SANDBOX_HEADER_VALUE } from './banner.js';
export { SANDBOX_CREDENTIALS } from './credentials.js';
export { SANDBOX_CLIENT_CREDENTIALS } from './sentinel.js';
export type { C2mSandboxTransaction } from './c2m-api.js';
export type { FaultAction, LatencySpec, SandboxFaultRates, ScriptedResponse } from './fault-plan.js';
export type { DuplicateSms, SandboxEndpoint, SandboxLedger, SandboxRequestRecord, SandboxTransaction } from './ledger.js';
export { LP_ERRORS } from './oauth-verifier.js';
export { LEDGER_PATH, ledgerView, type SandboxLedgerView } from './ledger-view.js';
export { startSandbox, type Sandbox, type SandboxOptions } from './start-sandbox.js';
