import type { Clock } from '../platform/clock.js';
import type { AppRecord, JournalEntry, JournalFilter, Store } from '../store/store.js';
import { WxError } from '../wire/envelope.js';
import { RID_PATTERN } from '../wire/rid.js';
import { uses } from '../platform/mechanisms.js';

const TEXT_CACHE = uses('journal-text-cache');
/** Entries a batch holds at most (1 when a benchmark turned batching off). */
const BATCH = uses('journal-batch') ? 500 : 1;

/** Entries are kept 7 days (quota.md). */
export const JOURNAL_RETENTION_MS = 7 * 86_400_000;
/** Bodies are kept up to 64 KiB. */
export const JOURNAL_BODY_LIMIT = 64 * 1024;
const SECRET_KEYS =
  'access_token|component_access_token|authorizer_access_token|authorizer_refresh_token|secret|appsecret|component_appsecret';
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
/** UTF-8 takes at most 4 bytes a character: these bytes always hold the 64 KiB characters kept. */
const JOURNAL_BODY_BYTES = 4 * JOURNAL_BODY_LIMIT;
/**
 * The bytes of a body the journal holds until it writes it. A small Buffer is usually a view into
 * an 8 KB slab that Node shares, and holding the view would hold the slab: such a view, and the
 * kept part of a large body, are copied to memory of their own. A Buffer that owns its memory
 * (an answer sent to many calls) is held as it is.
 */
export function journalBytes(body: Buffer): Buffer {
  const kept = body.length > JOURNAL_BODY_BYTES ? body.subarray(0, JOURNAL_BODY_BYTES) : body;
  if (kept.byteOffset === 0 && kept.buffer.byteLength === kept.length) return kept;
  const copy = Buffer.allocUnsafeSlow(kept.length);
  kept.copy(copy);
  return copy;
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
 * What a request leaves for the journal: its bodies as they were sent and answered. They are
 * decoded, cut and masked only when the entry is written or looked up, off the request's path.
 * A request body is a Buffer, or a placeholder text for one that was not read.
 */
export type JournalRecord = Omit<JournalEntry, 'request_body' | 'response_body'> & {
  request: Buffer | string;
  response: Buffer;
};

/**
 * The request journal. Entries are buffered and written in batches off the request's path (every
 * 200 ms or 500 entries), and flushed on close; a lookup sees the buffer too, so a request is
 * found at once on its own node and within a flush on every other.
 */
export class Journal {
  private buffer: JournalRecord[] = [];

  /** Entries answered but not yet written (the backlog metric). */
  get backlog(): number {
    return this.buffer.length;
  }
  /** Writes under way (each settles; a failed one puts its batch back in the buffer). */
  private readonly flushing = new Set<Promise<void>>();
  /** Batches handed to the store whose insert has not committed yet. */
  private readonly writing = new Set<JournalRecord[]>();
  private timer: NodeJS.Timeout | undefined;
  private flushes = 0;
  /**
   * The stored text of each body, once per Buffer: an answer encoded once and sent to many calls
   * (getkflist's, until the list changes) is decoded and masked once, not once a call.
   */
  private readonly texts = new WeakMap<Buffer, string>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly onError: (err: unknown) => void,
    private readonly flushMs = 200,
  ) {}

  record(entry: JournalRecord): void {
    this.buffer.push(entry);
    if (this.buffer.length >= BATCH) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.flushMs);
      this.timer.unref();
    }
  }

  /**
   * Writes the buffer out. Resolves once everything recorded before the call is in the store,
   * including batches an earlier flush is still writing (the admin list reads the store then).
   */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer;
    this.buffer = [];
    const earlier = [...this.flushing];
    if (batch.length > 0) {
      const writing = this.write(batch);
      this.flushing.add(writing);
      void writing.finally(() => this.flushing.delete(writing));
      earlier.push(writing);
    }
    await Promise.all(earlier);
  }

  private async write(batch: JournalRecord[]): Promise<void> {
    // A batch being written stays visible to lookups until its insert has committed: a request is
    // findable from the moment it is answered, on this node.
    this.writing.add(batch);
    try {
      await this.store.appendJournal(batch.map((r) => this.written(r)));
      if (++this.flushes % 100 === 0) {
        // The outbox and the delivery log are kept as long as the journal (7 days).
        await this.store.pruneJournal(this.clock.now() - JOURNAL_RETENTION_MS);
        await this.store.pruneOutbox(this.clock.now() - JOURNAL_RETENTION_MS);
      }
    } catch (err) {
      // The store is down: keep the entries for the next flush (bounded, oldest dropped first).
      this.buffer = [...batch, ...this.buffer].slice(-10_000);
      this.onError(err);
      if (!this.timer) {
        this.timer = setTimeout(() => void this.flush(), 1000);
        this.timer.unref();
      }
    } finally {
      this.writing.delete(batch);
    }
  }

  /** openapi/rid/get: 76002 malformed, 76001 unknown or older than 7 days, 76003 another app's. */
  async lookup(app: AppRecord, rid: unknown): Promise<RidAnswer> {
    if (typeof rid !== 'string' || !RID_PATTERN.test(rid))
      throw new WxError('RID_ERROR', 'rid is not of the form xxxxxxxx-xxxxxxxx-xxxxxxxx');
    const entry = this.buffered(rid) ?? (await this.store.getJournal(rid));
    if (!entry || entry.invoke_time <= this.clock.now() - JOURNAL_RETENTION_MS)
      throw new WxError('RID_NOT_FOUND', 'no request with this rid in the last 7 days');
    if (entry.appid !== app.appid)
      throw new WxError('RID_NO_PERMISSION', `the request was made by ${entry.appid ?? 'no app'}, not ${app.appid}`);
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
    this.writing.clear();
  }

  /** The operator's view (admin API): this node's buffer written out first; times in Unix seconds. */
  async list(filter: JournalFilter): Promise<AdminJournalEntry[]> {
    await this.flush();
    return (await this.store.listJournal(filter)).map(adminView);
  }

  async entry(rid: string): Promise<AdminJournalEntry | undefined> {
    const entry = this.buffered(rid) ?? (await this.store.getJournal(rid));
    return entry ? adminView(entry) : undefined;
  }

  private buffered(rid: string): JournalEntry | undefined {
    let record = this.buffer.find((e) => e.rid === rid);
    for (const batch of this.writing) record ??= batch.find((e) => e.rid === rid);
    return record ? this.written(record) : undefined;
  }

  /** The entry as the store keeps it: bodies as text, cut at 64 KiB, tokens and secrets masked. */
  private written(record: JournalRecord): JournalEntry {
    const { request, response, ...rest } = record;
    return {
      ...rest,
      request_body: typeof request === 'string' ? request : this.text(request),
      response_body: this.text(response),
    };
  }

  private text(body: Buffer): string {
    let text = TEXT_CACHE ? this.texts.get(body) : undefined;
    if (text === undefined) {
      text = maskBody(cutBody(body.toString('utf8')));
      if (TEXT_CACHE) this.texts.set(body, text);
    }
    return text;
  }
}

export type AdminJournalEntry = Omit<JournalEntry, 'cgi_path' | 'invoke_time'> & { path: string; invoke_time: number };

/** One key order, whether the entry is still buffered or already stored. */
function adminView(e: JournalEntry): AdminJournalEntry {
  return {
    rid: e.rid,
    appid: e.appid,
    path: e.cgi_path,
    invoke_time: Math.floor(e.invoke_time / 1000),
    cost_ms: e.cost_ms,
    errcode: e.errcode,
    reason: e.reason,
    fault_id: e.fault_id,
    request_url: e.request_url,
    request_body: e.request_body,
    response_body: e.response_body,
    client_ip: e.client_ip,
  };
}
