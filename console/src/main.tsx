import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Api, ApiError } from './api';
import { AppPage } from './pages/app';
import { AppsPage } from './pages/apps';
import { ClockPage } from './pages/clock';
import { FaultsPage } from './pages/faults';
import { JournalPage } from './pages/journal';
import './style.css';

const TOKEN_KEY = 'wxkf-admin-token';

function useHash(): string {
  const [hash, setHash] = useState(location.hash || '#/apps');
  useEffect(() => {
    const on = () => setHash(location.hash || '#/apps');
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash;
}

function SignIn({ onSignedIn }: { onSignedIn: (api: Api) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>();
  const submit = async (e: Event) => {
    e.preventDefault();
    const api = new Api(token.trim());
    try {
      await api.get('/clock');
      sessionStorage.setItem(TOKEN_KEY, api.token);
      onSignedIn(api);
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? 'That admin token is not this deployment’s.'
          : String((err as Error).message),
      );
    }
  };
  return (
    <main class="signin">
      <form class="card" onSubmit={submit}>
        <h1>
          wxkf <span class="muted">console</span>
        </h1>
        <p class="muted">Sign in with the deployment’s admin token (printed at first start, or set with --admin-token).</p>
        <label>
          Admin token
          <input
            type="password"
            name="token"
            autoComplete="off"
            value={token}
            onInput={(e) => setToken((e.target as HTMLInputElement).value)}
            required
          />
        </label>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}

const NAV = [
  ['#/apps', 'Apps'],
  ['#/journal', 'Journal'],
  ['#/faults', 'Faults'],
  ['#/clock', 'Clock'],
] as const;

function Shell({ api, onSignOut }: { api: Api; onSignOut: () => void }) {
  const hash = useHash();
  const [path, ...rest] = hash.slice(2).split('/');
  let page;
  if (path === 'apps' && rest[0]) page = <AppPage api={api} appid={decodeURIComponent(rest[0])} tab={rest[1] ?? 'overview'} />;
  else if (path === 'journal') page = <JournalPage api={api} rid={rest[0]} />;
  else if (path === 'faults') page = <FaultsPage api={api} />;
  else if (path === 'clock') page = <ClockPage api={api} />;
  else page = <AppsPage api={api} />;
  return (
    <div class="shell">
      <nav class="side">
        <a class="brand" href="#/apps">
          wxkf
        </a>
        {NAV.map(([href, label]) => (
          <a key={href} href={href} class={hash.startsWith(href) ? 'active' : ''}>
            {label}
          </a>
        ))}
        <button class="link signout" onClick={onSignOut}>
          Sign out
        </button>
      </nav>
      <main class="content">{page}</main>
    </div>
  );
}

function Root() {
  const saved = sessionStorage.getItem(TOKEN_KEY);
  const [api, setApi] = useState<Api | undefined>(saved ? new Api(saved) : undefined);
  if (!api) return <SignIn onSignedIn={setApi} />;
  return (
    <Shell
      api={api}
      onSignOut={() => {
        sessionStorage.removeItem(TOKEN_KEY);
        setApi(undefined);
      }}
    />
  );
}

render(<Root />, document.getElementById('root') as HTMLElement);
