import { useState } from 'preact/hooks';
import { time } from '../api';
import { Badge, Code, ErrorNote, Pre, Section, Table, useAction, usePoll, type Json, type Props } from '../ui';

const TABS = [
  ['overview', 'Overview'],
  ['kf', 'KF accounts'],
  ['tokens', 'Tokens & quota'],
  ['users', 'Users'],
  ['outbox', 'Outbox'],
  ['sessions', 'Sessions'],
  ['deliveries', 'Deliveries'],
] as const;

type AppProps = Props & { appid: string };

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

function Users({ api, appid }: AppProps) {
  const users = usePoll(() => api.get<{ users: Json[] }>(`/apps/${appid}/users`), [api, appid], 3000);
  const act = useAction();
  const [nickname, setNickname] = useState('');
  const [said, setSaid] = useState<Json | undefined>();
  const list = users.data?.users ?? [];
  const say = (openid: string) => {
    const content = prompt(`What does ${openid} say?`, 'Hello');
    if (content)
      void act.run(
        async () => (
          setSaid(await api.post(`/apps/${appid}/users/${encodeURIComponent(openid)}/say`, { type: 'text', content })),
          users.reload()
        ),
      );
  };
  return (
    <Section title="Simulated users">
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void act.run(
            async () => (await api.post(`/apps/${appid}/users`, nickname ? { nickname } : {}), setNickname(''), users.reload()),
          );
        }}
      >
        <input
          name="nickname"
          placeholder="nickname"
          value={nickname}
          onInput={(e) => setNickname((e.target as HTMLInputElement).value)}
        />
        <button type="submit">Add a user</button>
      </form>
      <ErrorNote error={users.error ?? act.error} />
      <Table
        head={['openid', 'nickname', 'subscribed', 'since', '']}
        rows={list.map((u) => [
          <Code>{String(u.openid)}</Code>,
          <span class="nick">{String(u.nickname) || '—'}</span>,
          u.subscribed ? <Badge tone="ok">yes</Badge> : <Badge tone="muted">no</Badge>,
          time(u.subscribe_time),
          <button class="small" onClick={() => say(String(u.openid))}>
            Say…
          </button>,
        ])}
        empty="No users: add one to play the customer's side."
      />
      {said && (
        <p class="note">
          Delivery {String(said.id)}:{' '}
          <Badge tone={said.status === 'failed' || said.status === 'invalid_reply' ? 'bad' : 'ok'}>{String(said.status)}</Badge>
        </p>
      )}
    </Section>
  );
}

function Outbox({ api, appid }: AppProps) {
  const outbox = usePoll(() => api.get<{ entries: Json[] }>(`/apps/${appid}/outbox?limit=200`), [api, appid], 2000);
  const entries = [...(outbox.data?.entries ?? [])].reverse();
  return (
    <Section title="Outbox: what the app sent, and what users received">
      <ErrorNote error={outbox.error} />
      <Table
        head={['id', 'time', 'to', 'path', 'errcode', 'type', 'as', 'grant']}
        rows={entries.map((e) => [
          String(e.id),
          time(e.time),
          e.openid ? <Code>{String(e.openid)}</Code> : '—',
          <Code>{String(e.path)}</Code>,
          e.errcode === 0 ? <Badge tone="ok">0</Badge> : <Badge tone="bad">{String(e.errcode)}</Badge>,
          String(e.msgtype ?? e.command ?? '—'),
          e.kf_account ? <Code>{String(e.kf_account)}</Code> : '—',
          e.grant
            ? `${String((e.grant as Json).kind)} ${String((e.grant as Json).used)}/${String((e.grant as Json).allowance)}`
            : '—',
        ])}
        empty="Nothing sent yet: custom/send, typing and passive replies appear here."
      />
    </Section>
  );
}

function Sessions({ api, appid }: AppProps) {
  const s = usePoll(() => api.get<{ sessions: Json[]; waitcases: Json[] }>(`/apps/${appid}/sessions`), [api, appid], 2000);
  return (
    <>
      <Section title="Sessions">
        <ErrorNote error={s.error} />
        <Table
          head={['user', 'kf account', 'since', 'forwarded until']}
          rows={(s.data?.sessions ?? []).map((x) => [
            <Code>{String(x.openid)}</Code>,
            <Code>{String(x.kf_account)}</Code>,
            time(x.createtime),
            time(x.forward_until),
          ])}
          empty="No sessions."
        />
      </Section>
      <Section title="Wait queue">
        <Table
          head={['user', 'joined', 'last message', 'reserved for']}
          rows={(s.data?.waitcases ?? []).map((x) => [
            <Code>{String(x.openid)}</Code>,
            time(x.joined_at),
            time(x.latest_time),
            String(x.reserved_for ?? '—'),
          ])}
          empty="Nobody is waiting."
        />
      </Section>
    </>
  );
}

function Deliveries({ api, appid }: AppProps) {
  const d = usePoll(() => api.get<{ deliveries: Json[] }>(`/apps/${appid}/deliveries?limit=200`), [api, appid], 2000);
  const [open, setOpen] = useState<Json | undefined>();
  const list = [...(d.data?.deliveries ?? [])].reverse();
  const tone = (s: string) =>
    ['failed', 'invalid_reply', 'verify_failed'].includes(s) ? 'bad' : s === 'pending' ? 'warn' : 'ok';
  return (
    <Section title="Webhook deliveries">
      <ErrorNote error={d.error} />
      <Table
        head={['id', 'time', 'user', 'what', 'trigger', 'status', 'problem', '']}
        rows={list.map((x) => [
          String(x.id),
          time(x.create_time),
          x.openid ? <Code>{String(x.openid)}</Code> : '—',
          String(x.event ?? x.msg_type ?? x.kind),
          String(x.trigger),
          <Badge tone={tone(String(x.status))}>{String(x.status)}</Badge>,
          String((x.reply as Json | null)?.problem ?? ''),
          <button class="small secondary" onClick={() => setOpen(open?.id === x.id ? undefined : x)}>
            {open?.id === x.id ? 'Hide' : 'Details'}
          </button>,
        ])}
        empty="No deliveries: set a webhook and have a user say something."
      />
      {open && <Pre value={open} />}
    </Section>
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
