// The console: an audit and operations page over the service's read API. Three places — the live call list,
// one call (its path through the machine and its timeline), the funnel — and a sign-in when the API asks for a
// bearer token. Read-only: nothing here changes a call.
import { render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, apiGet, token, type About } from './api.js';
import { CallPage } from './call-page.js';
import { CallsPage } from './calls-page.js';
import { FunnelPage } from './funnel-page.js';
import { useRoute } from './route.js';

function SignIn({ problem, onToken }: { problem: string; onToken: () => void }) {
  const [value, setValue] = useState('');
  return (
    <form
      class="sign-in"
      onSubmit={(event) => {
        event.preventDefault();
        if (value.trim() === '') return;
        token.set(value.trim());
        onToken();
      }}
    >
      <h2>Sign in</h2>
      <p>{problem}</p>
      <p class="muted">
        Give a bearer token of the read (audit) role, <code>DEFLECT_HTTP_READ_TOKEN</code> (or <code>DEFLECT_HTTP_TOKEN</code>). It is kept in this tab only.
      </p>
      <input
        type="password"
        autocomplete="off"
        placeholder="bearer token"
        value={value}
        onInput={(event) => setValue(event.currentTarget.value)}
        data-testid="token-input"
      />
      <button type="submit">Sign in</button>
    </form>
  );
}

function App() {
  const route = useRoute();
  const [about, setAbout] = useState<About | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const load = useCallback(() => {
    setProblem(undefined);
    apiGet<About>('/v1/about')
      .then(setAbout)
      .catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 401) setProblem(token.get() ? 'That token was refused.' : 'This service asks for a bearer token.');
        else if (error instanceof ApiError && error.status === 403) setProblem('That token does not carry the read (audit) role.');
        else setProblem(`The service did not answer: ${error instanceof Error ? error.message : String(error)}`);
      });
  }, []);
  useEffect(load, [load]);
  const signedIn = token.get() !== null;
  return (
    <>
      <header class="top">
        <a class="brand" href="#/calls">
          deflect <span>console</span>
        </a>
        <nav>
          <a href="#/calls" class={route.page !== 'funnel' ? 'active' : ''}>
            Calls
          </a>
          <a href="#/funnel" class={route.page === 'funnel' ? 'active' : ''}>
            Funnel
          </a>
        </nav>
        {about && (
          <div class="service" data-testid="about">
            <span title="version of the call machine this release decides and replays with">machine v{about.machineVersion}</span>
            <span>{about.store}</span>
            <span>{about.kafka ? 'Kafka' : 'embedded'}</span>
            <span title="what this page may do">{about.roles.length === 2 ? 'all roles' : about.roles.join(', ') || 'no role'}</span>
            {signedIn && (
              <button
                class="link"
                onClick={() => {
                  token.clear();
                  setAbout(undefined);
                  load();
                }}
              >
                sign out
              </button>
            )}
          </div>
        )}
      </header>
      <main>
        {problem !== undefined && <SignIn problem={problem} onToken={load} />}
        {about && route.page === 'calls' && <CallsPage params={route.params} about={about} />}
        {about && route.page === 'call' && <CallPage externalCallId={route.externalCallId} about={about} />}
        {about && route.page === 'funnel' && <FunnelPage params={route.params} about={about} />}
      </main>
    </>
  );
}

const root = document.getElementById('app');
if (root) render(<App />, root);
