import { useState } from 'preact/hooks';
import { Code, ErrorNote, Section, Table, useAction, usePoll, type Json, type Props } from '../ui';

export function FaultsPage({ api }: Props) {
  const faults = usePoll(() => api.get<{ faults: Json[] }>('/faults'), [api], 2000);
  const act = useAction();
  const [f, setF] = useState({
    path: '/cgi-bin/customservice/getkflist',
    appid: '',
    errcode: '-1',
    errmsg: '',
    count: '',
    ratio: '',
    delay_ms: '',
  });
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: (e.target as HTMLInputElement).value });
  const submit = (e: Event) => {
    e.preventDefault();
    void act.run(async () => {
      const body: Json = { path: f.path };
      if (f.appid) body.appid = f.appid;
      if (f.errcode) body.errcode = Number(f.errcode);
      if (f.errmsg) body.errmsg = f.errmsg;
      if (f.count) body.count = Number(f.count);
      if (f.ratio) body.ratio = Number(f.ratio);
      if (f.delay_ms) body.delay_ms = Number(f.delay_ms);
      await api.post('/faults', body);
      faults.reload();
    });
  };
  const list = faults.data?.faults ?? [];
  return (
    <>
      <h1>Faults</h1>
      <Section title="Injected faults">
        <ErrorNote error={faults.error} />
        <Table
          head={['id', 'interface', 'app', 'errcode', 'count / ratio', 'delay', 'fired', 'remaining', '']}
          rows={list.map((x) => [
            String(x.id),
            <Code>{String(x.path)}</Code>,
            x.appid ? <Code>{String(x.appid)}</Code> : <span class="muted">every app</span>,
            x.errcode === null ? '—' : `${String(x.errcode)} ${String(x.errmsg)}`,
            x.count !== null ? `next ${String(x.count)}` : x.ratio !== null ? `${Number(x.ratio) * 100}%` : 'every call',
            x.delay_ms === null ? '—' : `${String(x.delay_ms)} ms`,
            String(x.fired),
            x.remaining === null ? '—' : String(x.remaining),
            <button
              class="danger small"
              onClick={() => act.run(async () => (await api.call('DELETE', `/faults/${String(x.id)}`), faults.reload()))}
            >
              Remove
            </button>,
          ])}
          empty="No faults: every call is answered as WeChat would."
        />
      </Section>
      <Section title="Add a fault">
        <form class="grid-form" onSubmit={submit}>
          <label>
            path <input name="path" value={f.path} onInput={set('path')} required />
          </label>
          <label>
            appid <input name="appid" placeholder="every app" value={f.appid} onInput={set('appid')} />
          </label>
          <label>
            errcode <input name="errcode" value={f.errcode} onInput={set('errcode')} />
          </label>
          <label>
            errmsg <input name="errmsg" placeholder="the table's text" value={f.errmsg} onInput={set('errmsg')} />
          </label>
          <label>
            count <input name="count" placeholder="every call" value={f.count} onInput={set('count')} />
          </label>
          <label>
            ratio <input name="ratio" placeholder="0.5" value={f.ratio} onInput={set('ratio')} />
          </label>
          <label>
            delay ms <input name="delay_ms" value={f.delay_ms} onInput={set('delay_ms')} />
          </label>
          <button type="submit" disabled={act.busy}>
            Add fault
          </button>
        </form>
        <ErrorNote error={act.error} />
      </Section>
    </>
  );
}
