// The sandbox's Connect to Messaging endpoints, once a request is authorized and no fault answered for it.
import type { ServerResponse } from 'node:http';
import type { Clock } from '../../shared/clock.js';
import type { C2mSandboxApi } from './c2m-api.js';
import type { FaultAction } from './fault-plan.js';
import type { SandboxRequestRecord } from './ledger.js';
import type { Route } from './routes.js';

export interface C2mExchange {
  route: Route;
  json: unknown;
  action: FaultAction;
  record: SandboxRequestRecord;
  answer: (status: number, body: unknown) => void;
  res: ServerResponse;
}

export function answerC2m(c2m: C2mSandboxApi, clock: Clock, { route, json, action, record, answer, res }: C2mExchange): void {
  const accountId = route.accountId ?? '';
  const c2mAnswer = (result: { status: number; body: unknown }): void => answer(result.status, result.body);
  switch (route.endpoint) {
    case 'c2mEligibility': {
      const result = c2m.eligibility(accountId, json, clock.now());
      if (result.transaction) record.callId = result.transaction.callId;
      // An eligibility whose answer is lost still handed out its callId (never used: it sends nothing).
      if (action.kind === 'responseLost') return void res.socket?.destroy();
      if (action.kind === 'status') return answer(action.status, action.body ?? { errorCode: 5000, errorMessage: 'Injected fault' });
      return c2mAnswer(result);
    }
    case 'c2mInvite': {
      const checked = c2m.checkInvite(accountId, json);
      if (!('callId' in checked)) return c2mAnswer(checked);
      record.callId = checked.callId;
      c2m.recordInvite(checked.transaction, clock.now());
      if (action.kind === 'responseLost') return void res.socket?.destroy();
      if (action.kind === 'status') return answer(action.status, action.body ?? { errorCode: 5000, errorMessage: 'Injected fault' });
      return answer(200, { callId: checked.callId });
    }
    case 'c2mTransactions':
      return c2mAnswer(c2m.transactions(accountId, route.query));
    case 'c2mAnalytics':
      return c2mAnswer(c2m.analytics(accountId, route.query));
    default:
      return answer(404, { errorCode: 1004, errorMessage: 'Not Found' });
  }
}
