import { useState } from 'preact/hooks';
import { Badge, Code, ErrorNote, Section, Table, useAction, usePoll, type Json, type Props } from '../ui';

const TYPES = ['service', 'subscription', 'mini_program', 'minigame'];

function randomAppid(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return `wx${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export function AppsPage({ api }: Props) {
  const apps = usePoll(() => api.get<{ apps: Json[] }>('/apps'), [api], 3000);
  const create = useAction();
  const [form, setForm] = useState({ appid: '', type: 'service', alias: '', label: '' });
  const [made, setMade] = useState<Json | undefined>();
  const set = (k: keyof typeof form) => (e: Event) => setForm({ ...form, [k]: (e.target as HTMLInputElement).value });
  const submit = async (e: Event) => {
    e.preventDefault();
    await create.run(async () => {
      const body: Json = { appid: form.appid || randomAppid(), type: form.type };
      if (form.alias) body.alias = form.alias;
      if (form.label) body.label = form.label;
      const app = await api.post('/apps', body);
      setMade(app);
      setForm({ appid: '', type: 'service', alias: '', label: '' });
      apps.reload();
    });
  };
  const list = apps.data?.apps ?? [];
  return (
    <>
      <h1>Apps</h1>
      <Section title="All apps">
        <ErrorNote error={apps.error} />
        <Table
          head={['appid', 'type', 'certified', 'WeChat ID', 'new kf', 'label']}
          rows={list.map((a) => [
            <a href={`#/apps/${String(a.appid)}`}>
              <Code>{String(a.appid)}</Code>
            </a>,
            String(a.type),
            a.certified ? <Badge tone="ok">certified</Badge> : <Badge tone="muted">no</Badge>,
            String(a.alias || '—'),
            a.kf_enabled ? <Badge tone="ok">on</Badge> : <Badge tone="warn">off</Badge>,
            String(a.label ?? '—'),
          ])}
          empty={apps.data ? 'No apps yet: create one below, or apply a seed file (wxkf seed).' : 'Loading…'}
        />
      </Section>
      <Section title="Create an app">
        <form class="grid-form" onSubmit={submit}>
          <label>
            appid <input name="appid" placeholder="generated when empty" value={form.appid} onInput={set('appid')} />
          </label>
          <label>
            type
            <select name="type" value={form.type} onChange={set('type')}>
              {TYPES.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          </label>
          <label>
            WeChat ID <input name="alias" placeholder="e.g. shop_kf" value={form.alias} onInput={set('alias')} />
          </label>
          <label>
            label <input name="label" placeholder="a test worker's label" value={form.label} onInput={set('label')} />
          </label>
          <button type="submit" disabled={create.busy}>
            Create
          </button>
        </form>
        <ErrorNote error={create.error} />
        {made && (
          <p class="note">
            Created <Code>{String(made.appid)}</Code> with secret <Code>{String(made.secret)}</Code>: copy it now.
          </p>
        )}
      </Section>
    </>
  );
}
