import { useState } from 'preact/hooks';
import { time } from '../api';
import { Badge, Code, ErrorNote, Pre, Section, Table, useAction, usePoll, type Json } from '../ui';
import type { AppProps } from './app';

/** An app's customer-service tabs: its simulated users, the outbox, sessions and webhook deliveries. */
export function Users({ api, appid }: AppProps) {
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

export function Outbox({ api, appid }: AppProps) {
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

export function Sessions({ api, appid }: AppProps) {
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

export function Deliveries({ api, appid }: AppProps) {
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
