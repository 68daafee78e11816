import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { Api, ApiError, type Json } from './api';

/** Loads `load()` now and every `everyMs` (0: once); `reload` asks again at once. */
export function usePoll<T>(load: () => Promise<T>, deps: unknown[], everyMs = 0) {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const reload = useCallback(() => {
    load().then(
      (d) => {
        setData(d);
        setError(undefined);
      },
      (e: unknown) => setError(e instanceof ApiError || e instanceof Error ? e.message : String(e)),
    );
  }, deps);
  useEffect(() => {
    reload();
    if (everyMs <= 0) return undefined;
    const t = setInterval(reload, everyMs);
    return () => clearInterval(t);
  }, [reload, everyMs]);
  return { data, error, reload };
}

/** Runs an action, keeping its error to show where it happened. */
export function useAction() {
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const run = async (work: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
      return true;
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, run, setError };
}

export const ErrorNote = ({ error }: { error: string | undefined }) =>
  error ? (
    <p class="error" role="alert">
      {error}
    </p>
  ) : null;

export function Table({ head, rows, empty }: { head: string[]; rows: ComponentChildren[][]; empty: ComponentChildren }) {
  if (rows.length === 0) return <div class="empty">{empty}</div>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            {head.map((h) => (
              <th key={h}>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              {r.map((c, j) => (
                <td key={j}>{c}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export const Badge = ({ tone, children }: { tone: 'ok' | 'warn' | 'bad' | 'muted'; children: ComponentChildren }) => (
  <span class={`badge ${tone}`}>{children}</span>
);

export const Code = ({ children }: { children: ComponentChildren }) => <code class="mono">{children}</code>;

export function Section({
  title,
  actions,
  children,
}: {
  title: string;
  actions?: ComponentChildren;
  children: ComponentChildren;
}) {
  return (
    <section class="card">
      <header class="card-head">
        <h2>{title}</h2>
        <div class="actions">{actions}</div>
      </header>
      {children}
    </section>
  );
}

/** A JSON value shown as text (never as markup). */
export const Pre = ({ value }: { value: unknown }) => (
  <pre class="json">{typeof value === 'string' ? value : JSON.stringify(value, null, 2)}</pre>
);

export type Props = { api: Api };
export type { Json };
