import { useEffect, useState } from 'preact/hooks';
import { time } from '../api';
import { Badge, Code, ErrorNote, Pre, Section, Table, useAction, type Json, type Props } from '../ui';

const KEEP = 200;

export function JournalPage({ api, rid }: Props & { rid: string | undefined }) {
  const [entries, setEntries] = useState<Json[]>([]);
  const [filters, setFilters] = useState({ appid: '', path: '', errcode: '' });
  const [applied, setApplied] = useState(filters);
  const [streamError, setStreamError] = useState<string | undefined>();
  const [live, setLive] = useState(false);
  const lookup = useAction();
  const [found, setFound] = useState<Json | undefined>();
  const [ridInput, setRidInput] = useState(rid ?? '');

  useEffect(() => {
    const controller = new AbortController();
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(applied)) if (v) q.set(k, v);
    q.set('since', '0');
    setEntries([]);
    setLive(true);
    setStreamError(undefined);
    api
      .stream(`?${q.toString()}`, (e) => setEntries((prev) => [e, ...prev].slice(0, KEEP)), controller.signal)
      .catch((e: unknown) => {
        if (!controller.signal.aborted) setStreamError(`live tail stopped: ${(e as Error).message}`);
      })
      .finally(() => setLive(false));
    return () => controller.abort();
  }, [api, applied]);

  const find = (id: string) =>
    lookup.run(async () => {
      setFound(undefined);
      setFound(await api.get(`/journal/${encodeURIComponent(id.trim())}`));
    });
  useEffect(() => {
    if (rid) void find(rid);
  }, [rid]);

  const set = (k: keyof typeof filters) => (e: Event) => setFilters({ ...filters, [k]: (e.target as HTMLInputElement).value });
  return (
    <>
      <h1>Journal {live ? <Badge tone="ok">live</Badge> : <Badge tone="muted">paused</Badge>}</h1>
      <Section title="Look up a request by rid">
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void find(ridInput);
          }}
        >
          <input
            name="rid"
            placeholder="the rid at the end of an errmsg"
            value={ridInput}
            onInput={(e) => setRidInput((e.target as HTMLInputElement).value)}
          />
          <button type="submit">Find</button>
        </form>
        <ErrorNote error={lookup.error} />
        {found && (
          <div class="detail">
            <p>
              <Code>{String(found.path)}</Code> answered <strong>{String(found.errcode)}</strong>
              {found.reason ? <> — {String(found.reason)}</> : null}
            </p>
            <Pre value={found} />
          </div>
        )}
      </Section>
      <Section
        title="Live tail"
        actions={
          <form
            class="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              setApplied(filters);
            }}
          >
            <input name="appid" placeholder="appid" value={filters.appid} onInput={set('appid')} />
            <input name="path" placeholder="/cgi-bin/…" value={filters.path} onInput={set('path')} />
            <input name="errcode" placeholder="errcode" value={filters.errcode} onInput={set('errcode')} class="narrow" />
            <button type="submit">Filter</button>
          </form>
        }
      >
        <ErrorNote error={streamError} />
        <Table
          head={['time', 'interface', 'app', 'errcode', 'why', 'rid']}
          rows={entries.map((e) => [
            time(e.invoke_time),
            <Code>{String(e.path)}</Code>,
            e.appid ? <Code>{String(e.appid)}</Code> : '—',
            e.errcode === 0 ? <Badge tone="ok">0</Badge> : <Badge tone="bad">{String(e.errcode)}</Badge>,
            <span class="reason">
              {e.fault_id ? `fault ${String(e.fault_id)}: ` : ''}
              {String(e.reason ?? '')}
            </span>,
            <a href={`#/journal/${String(e.rid)}`}>
              <Code>{String(e.rid)}</Code>
            </a>,
          ])}
          empty="No requests yet: calls to the WeChat-side API appear here as they are answered."
        />
      </Section>
    </>
  );
}
