/** The admin API from the browser: every call carries the admin token the operator signed in with. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export type Json = Record<string, unknown>;

export class Api {
  constructor(readonly token: string) {}

  async call<T = Json>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`/admin/api${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (res.status >= 400) {
      const err = (json as { error?: string } | undefined)?.error ?? `HTTP ${res.status}`;
      throw new ApiError(res.status, err);
    }
    return json as T;
  }

  get = <T = Json>(path: string) => this.call<T>('GET', path);
  post = <T = Json>(path: string, body?: unknown) => this.call<T>('POST', path, body);

  /** The journal's live stream (Server-Sent Events read with fetch, so the token goes in a header). */
  async stream(query: string, onEntry: (e: Json) => void, signal: AbortSignal): Promise<void> {
    const res = await fetch(`/admin/api/journal/stream${query}`, { headers: { authorization: `Bearer ${this.token}` }, signal });
    if (!res.ok || !res.body) throw new ApiError(res.status, `stream: HTTP ${res.status}`);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffered = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffered += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffered.indexOf('\n\n')) >= 0) {
        const event = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const data = event.split('\n').find((l) => l.startsWith('data: '));
        if (data) onEntry(JSON.parse(data.slice(6)) as Json);
      }
    }
  }
}

/** Unix seconds as a readable UTC time. */
export const time = (s: unknown) =>
  typeof s === 'number' && s > 0 ? new Date(s * 1000).toISOString().replace('T', ' ').slice(0, 19) : '—';
