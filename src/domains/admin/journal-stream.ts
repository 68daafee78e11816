import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../platform/clock.js';
import type { AdminJournalEntry, Journal } from '../../pipeline/journal.js';
import { JOURNAL_STREAM_QUERY } from './schemas.js';

type StreamQuery = Partial<Record<'appid' | 'path' | 'errcode' | 'since', string>>;

/**
 * `GET /admin/api/journal/stream`: the request journal as Server-Sent Events, for the console's
 * live tail. Each new entry (on any node: it reads the store, as the list does) is an event
 * `data: {…entry…}`, oldest first; a comment line every 15 s keeps proxies from closing it.
 */
export function registerJournalStream(app: FastifyInstance, journal: Journal, clock: Clock, everyMs = 500): void {
  app.get<{ Querystring: StreamQuery }>('/journal/stream', { schema: { querystring: JOURNAL_STREAM_QUERY } }, (req, reply) => {
    const q = req.query;
    let cursor = q.since !== undefined ? Number(q.since) : Math.floor(clock.now() / 1000);
    const sent = new Set<string>();
    let closed = false;
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    reply.raw.write(': wxkf journal stream\n\n');
    const send = (e: AdminJournalEntry) => reply.raw.write(`id: ${e.rid}\ndata: ${JSON.stringify(e)}\n\n`);
    const poll = async () => {
      if (closed) return;
      try {
        const entries = await journal.list({
          ...(q.appid ? { appid: q.appid } : {}),
          ...(q.path ? { cgi_path: q.path } : {}),
          ...(q.errcode !== undefined ? { errcode: Number(q.errcode) } : {}),
          since: cursor * 1000,
          limit: 1000,
        });
        for (const e of entries.reverse()) {
          if (sent.has(e.rid)) continue;
          sent.add(e.rid);
          send(e);
          cursor = Math.max(cursor, e.invoke_time);
        }
        if (sent.size > 10_000) sent.clear();
      } catch (err) {
        req.log.warn({ err }, 'journal stream: cannot read the journal');
      }
      if (!closed) timer = setTimeout(() => void poll(), everyMs);
    };
    let timer = setTimeout(() => void poll(), 0);
    const keepAlive = setInterval(() => reply.raw.write(': keep-alive\n\n'), 15_000);
    req.raw.on('close', () => {
      closed = true;
      clearTimeout(timer);
      clearInterval(keepAlive);
    });
  });
}
