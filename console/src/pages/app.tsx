import { useState } from 'preact/hooks';
import { time } from '../api';
import { Badge, Code, ErrorNote, Section, Table, useAction, usePoll, type Json, type Props } from '../ui';
import { Deliveries, Outbox, Sessions, Users } from './app-flow';

const TABS = [
  ['overview', 'Overview'],
  ['kf', 'KF accounts'],
  ['tokens', 'Tokens & quota'],
  ['users', 'Users'],
  ['outbox', 'Outbox'],
  ['sessions', 'Sessions'],
  ['deliveries', 'Deliveries'],
] as const;

export type AppProps = Props & { appid: string };

function Overview({ api, appid }: AppProps) {
  const app = usePoll(() => api.get(`/apps/${appid}`), [api, appid]);
  const act = useAction();
  const [secret, setSecret] = useState<string | undefined>();
  const patch = (body: Json) => act.run(async () => (await api.call('PATCH', `/apps/${appid}`, body), app.reload()));
  const a = app.data;
  if (!a) return <ErrorNote error={app.error} />;
  const toggle = (field: string) => (
    <label class="switch">
      <input
        type="checkbox"
        name={field}
        checked={Boolean(a[field])}
        onChange={(e) => patch({ [field]: (e.target as HTMLInputElement).checked })}
      />
      {field}
    </label>
  );
  return (
    <Section
      title="App"
      actions={
        <button
          class="secondary"
          onClick={() => act.run(async () => setSecret(String((await api.post(`/apps/${appid}/secret`)).secret)))}
        >
          Rotate secret
        </button>
      }
    >
      <ErrorNote error={act.error} />
      {secret && (
        <p class="note">
          New secret <Code>{secret}</Code>: the old one no longer gets tokens.
        </p>
      )}
      <dl class="fields">
        {(['appid', 'type', 'alias', 'original_id', 'window_profile', 'window_counting', 'label'] as const).map((k) => (
          <>
            <dt>{k}</dt>
            <dd>{a[k] === null || a[k] === '' ? '—' : String(a[k])}</dd>
          </>
        ))}
        <dt>secret</dt>
        <dd>
          <Code>{String(a.secret).slice(0, 8)}…</Code>
        </dd>
        <dt>created</dt>
        <dd>{time(a.created_at)}</dd>
      </dl>
      <div class="button-row">
        {toggle('certified')}
        {toggle('kf_enabled')}
        {toggle('secret_frozen')}
        <label class="switch">
          window
          <select
            name="window_profile"
            value={String(a.window_profile)}
            onChange={(e) => patch({ window_profile: (e.target as HTMLSelectElement).value })}
          >
            <option value="current">current (5 / 48 h)</option>
            <option value="legacy">legacy (20 / 48 h)</option>
          </select>
        </label>
      </div>
    </Section>
  );
}

function Avatar({ url, name }: { url: string; name: string }) {
  if (url) return <img class="avatar" src={url} alt="" />;
  return <span class="avatar initials">{[...name][0] ?? '?'}</span>;
}

function KfAccounts({ api, appid }: AppProps) {
  const list = usePoll(() => api.get<{ kf_accounts: Json[] }>(`/apps/${appid}/kf_accounts`), [api, appid], 2000);
  const act = useAction();
  const accounts = list.data?.kf_accounts ?? [];
  const path = (k: Json) => `/apps/${appid}/kf_accounts/${encodeURIComponent(String(k.kf_account))}`;
  return (
    <Section title="KF accounts">
      <ErrorNote error={list.error ?? act.error} />
      <Table
        head={['', 'account', 'nickname', 'kf_id', 'worker', 'invitation', 'status', '']}
        rows={accounts.map((k) => [
          <Avatar url={String(k.kf_headimgurl)} name={String(k.kf_nick)} />,
          <Code>{String(k.kf_account)}</Code>,
          <span class="nick">{String(k.kf_nick)}</span>,
          String(k.kf_id),
          k.kf_wx ? <Code>{String(k.kf_wx)}</Code> : <span class="muted">unbound</span>,
          k.invite_status ? (
            <Badge tone={k.invite_status === 'waiting' ? 'warn' : 'muted'}>{String(k.invite_status)}</Badge>
          ) : (
            '—'
          ),
          k.kf_wx ? k.online_status === 1 ? <Badge tone="ok">online</Badge> : <Badge tone="muted">offline</Badge> : '—',
          <div class="button-row tight">
            {k.invite_wx && !k.kf_wx ? (
              <button
                class="small"
                onClick={() => act.run(async () => (await api.post(`${path(k)}/invitation/accept`), list.reload()))}
              >
                Accept invitation
              </button>
            ) : null}
            {k.kf_wx ? (
              <button
                class="small secondary"
                onClick={() =>
                  act.run(
                    async () => (
                      await api.call('PUT', `${path(k)}/online`, { status: k.online_status === 1 ? 0 : 1, accepted_case: 0 }),
                      list.reload()
                    ),
                  )
                }
              >
                {k.online_status === 1 ? 'Set offline' : 'Set online'}
              </button>
            ) : null}
          </div>,
        ])}
        empty="No kf accounts: an app adds them with /customservice/kfaccount/add; they appear here as it does."
      />
    </Section>
  );
}

function TokensAndQuota({ api, appid }: AppProps) {
  const tokens = usePoll(() => api.get<{ tokens: Json[] }>(`/apps/${appid}/tokens`), [api, appid], 2000);
  const quota = usePoll(() => api.get<{ quotas: Json[] }>(`/apps/${appid}/quota`), [api, appid], 5000);
  const act = useAction();
  return (
    <>
      <Section
        title="Live tokens"
        actions={
          <button class="secondary" onClick={() => act.run(async () => (await api.post('/tokens', { appid }), tokens.reload()))}>
            Issue a token
          </button>
        }
      >
        <ErrorNote error={tokens.error ?? act.error} />
        <Table
          head={['token (hash, masked)', 'family', 'issued', 'expires']}
          rows={(tokens.data?.tokens ?? []).map((t) => [
            <Code>{String(t.token)}</Code>,
            String(t.family),
            time(t.issued_at),
            time(t.expires_at),
          ])}
          empty="No live token: every token has expired, been superseded or revoked."
        />
      </Section>
      <Section title="Quota used today (China time)">
        <ErrorNote error={quota.error} />
        <Table
          head={['interface', 'used', 'daily limit', 'remaining']}
          rows={(quota.data?.quotas ?? [])
            .filter((q) => Number(q.used) > 0)
            .map((q) => [<Code>{String(q.cgi_path)}</Code>, String(q.used), String(q.daily_limit), String(q.remain)])}
          empty="No calls counted today."
        />
      </Section>
    </>
  );
}

export function AppPage({ api, appid, tab }: AppProps & { tab: string }) {
  const body =
    tab === 'kf' ? (
      <KfAccounts api={api} appid={appid} />
    ) : tab === 'tokens' ? (
      <TokensAndQuota api={api} appid={appid} />
    ) : tab === 'users' ? (
      <Users api={api} appid={appid} />
    ) : tab === 'outbox' ? (
      <Outbox api={api} appid={appid} />
    ) : tab === 'sessions' ? (
      <Sessions api={api} appid={appid} />
    ) : tab === 'deliveries' ? (
      <Deliveries api={api} appid={appid} />
    ) : (
      <Overview api={api} appid={appid} />
    );
  return (
    <>
      <h1>
        <a href="#/apps" class="muted">
          Apps
        </a>{' '}
        / <Code>{appid}</Code>
      </h1>
      <nav class="tabs">
        {TABS.map(([id, label]) => (
          <a key={id} href={`#/apps/${appid}/${id}`} class={tab === id ? 'active' : ''}>
            {label}
          </a>
        ))}
      </nav>
      {body}
    </>
  );
}
