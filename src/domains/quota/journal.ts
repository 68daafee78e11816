import type { Clock } from '../../platform/clock.js';
import type { AppRecord, JournalEntry, JournalFilter, Store } from '../../store/store.js';
import { WxError } from '../../wire/envelope.js';
import { RID_PATTERN } from '../../wire/rid.js';

/** Entries are kept 7 days (quota.md). */
export const JOURNAL_RETENTION_MS = 7 * 86_400_000;
/** Bodies are kept up to 64 KiB. */
export const JOURNAL_BODY_LIMIT = 64 * 1024;
const SECRET_KEYS = 'access_token|component_access_token|authorizer_access_token|authorizer_refresh_token|secret|appsecret|component_appsecret';
const JSON_SECRET = new RegExp(`"(${SECRET_KEYS})"\\s*:\\s*"([^"]{0,8})[^"]*"`, 'g');
const QUERY_SECRET = new RegExp(`(^|&)(${SECRET_KEYS})=([^&]{0,8})[^&]*`, 'g');

/** Tokens and secrets keep their first 8 characters, then `…` (operator.md, Observability). */
export function maskBody(text: string): string {
  return text.replace(JSON_SECRET, (_m, key: string, head: string) => `"${key}":"${head}…"`);
}
export function maskQuery(query: string): string {
  return query.replace(QUERY_SECRET, (_m, sep: string, key: string, head: string) => `${sep}${key}=${head}…`);
}
export function cutBody(text: string): string {
  return text.length > JOURNAL_BODY_LIMIT ? text.slice(0, JOURNAL_BODY_LIMIT) : text;
}

export interface RidAnswer {
  invoke_time: number;
  cost_in_ms: number;
  request_url: string;
  request_body: string;
  response_body: string;
  client_ip: string;
}

/**
 * The request journal. Entries are buffered and written in batches off the request's path (every
 * 200 ms or 500 entries), and flushed on close; a lookup sees the buffer too, so a request is
 * found at once on its own node and within a flush on every other.
 */
export class Journal {
  private buffer: JournalEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushes = 0;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly onError: (err: unknown) => void,
    private readonly flushMs = 200,
  ) {}

  record(entry: JournalEntry): void {
    this.buffer.push(entry);
    if (this.buffer.length >= 500) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.flushMs);
      this.timer.unref();
    }
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer;
    this.buffer = [];
    if (batch.length === 0) return;
    try {
      await this.store.appendJournal(batch);
      if (++this.flushes % 100 === 0) await this.store.pruneJournal(this.clock.now() - JOURNAL_RETENTION_MS);
    } catch (err) {
      // The store is down: keep the entries for the next flush (bounded, oldest dropped first).
      this.buffer = [...batch, ...this.buffer].slice(-10_000);
      this.onError(err);
      if (!this.timer) {
        this.timer = setTimeout(() => void this.flush(), 1000);
        this.timer.unref();
      }
    }
  }

  /** openapi/rid/get: 76002 malformed, 76001 unknown or older than 7 days, 76003 another app's. */
  async lookup(app: AppRecord, rid: unknown): Promise<RidAnswer> {
    if (typeof rid !== 'string' || !RID_PATTERN.test(rid)) throw new WxError('RID_ERROR');
    const entry = this.buffer.find((e) => e.rid === rid) ?? (await this.store.getJournal(rid));
    if (!entry || entry.invoke_time <= this.clock.now() - JOURNAL_RETENTION_MS) throw new WxError('RID_NOT_FOUND');
    if (entry.appid !== app.appid) throw new WxError('RID_NO_PERMISSION');
    return {
      invoke_time: Math.floor(entry.invoke_time / 1000),
      cost_in_ms: entry.cost_ms,
      request_url: entry.request_url,
      request_body: entry.request_body,
      response_body: entry.response_body,
      client_ip: entry.client_ip,
    };
  }

  /** Forgets what is not written yet (a reset of the deployment). */
  discard(): void {
    this.buffer = [];
  }

  /** The operator's view (admin API): this node's buffer written out first; times in Unix seconds. */
  async list(filter: JournalFilter): Promise<AdminJournalEntry[]> {
    await this.flush();
    return (await this.store.listJournal(filter)).map(adminView);
  }

  async entry(rid: string): Promise<AdminJournalEntry | undefined> {
    const entry = this.buffer.find((e) => e.rid === rid) ?? (await this.store.getJournal(rid));
    return entry ? adminView(entry) : undefined;
  }
}

export type AdminJournalEntry = Omit<JournalEntry, 'cgi_path' | 'invoke_time'> & { path: string; invoke_time: number };

function adminView(e: JournalEntry): AdminJournalEntry {
  const { cgi_path, invoke_time, ...rest } = e;
  return { ...rest, path: cgi_path, invoke_time: Math.floor(invoke_time / 1000) };
}
