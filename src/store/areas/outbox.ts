import { changes, type Driver, type Program, type Row } from '../sql/program.js';
import { filterWhere } from '../sql/filter.js';
import type { ChatRecord, OutboxEntry, Store } from '../store.js';

type OutboxArea = Pick<Store, 'listOutbox' | 'clearOutbox' | 'pruneOutbox' | 'latestAcceptedMenu' | 'listChatRecords'>;

const json = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);

function outboxFromRow(r: Row): OutboxEntry {
  return {
    id: Number(r.id),
    appid: r.appid as string,
    openid: (r.openid as string | null) ?? null,
    path: r.path as string,
    time: Number(r.time),
    rid: (r.rid as string | null) ?? null,
    errcode: Number(r.errcode),
    msgtype: (r.msgtype as string | null) ?? null,
    command: (r.command as string | null) ?? null,
    kf_account: (r.kf_account as string | null) ?? null,
    body: json(r.body),
    grant: r.grant_info === null || r.grant_info === undefined ? null : (json(r.grant_info) as OutboxEntry['grant']),
    delivery_id: r.delivery_id === null || r.delivery_id === undefined ? null : Number(r.delivery_id),
  };
}

/** The outbox (what apps sent and users received) and chat records. */
export function outboxArea(d: Driver): OutboxArea {
  return {
    listOutbox: async (appid, f) => {
      const { where, params } = filterWhere({ appid, openid: f.openid, errcode: f.errcode, path: f.path }, f.since_id, [
        'time',
        f.from,
      ]);
      const found = await d.rows(`SELECT * FROM outbox WHERE ${where} ORDER BY id LIMIT ?`, ...params, f.limit);
      return found.map(outboxFromRow);
    },
    clearOutbox: async (appid) => {
      await d.changes('DELETE FROM outbox WHERE appid = ?', appid);
    },
    pruneOutbox: async (beforeMs) => {
      await d.transaction(pruneOld, beforeMs);
    },
    latestAcceptedMenu: async (appid, openid) => {
      const r = await d.row(
        `SELECT * FROM outbox WHERE appid = ? AND openid = ? AND errcode = 0 AND msgtype = 'msgmenu'
          AND path = '/cgi-bin/message/custom/send' ORDER BY id DESC LIMIT 1`,
        appid,
        openid,
      );
      return r ? outboxFromRow(r) : undefined;
    },
    listChatRecords: async (appid, startMs, endMs, fromMsgid, limit) =>
      (
        await d.rows(
          'SELECT * FROM chat_records WHERE appid = ? AND time >= ? AND time <= ? AND msgid >= ? ORDER BY msgid LIMIT ?',
          appid,
          startMs,
          endMs,
          fromMsgid,
          limit,
        )
      ).map((r): ChatRecord => ({
        msgid: Number(r.msgid),
        openid: r.openid as string,
        opercode: Number(r.opercode) as ChatRecord['opercode'],
        text: r.text as string,
        time: Number(r.time),
        worker: r.worker as string,
      })),
  };
}

/** Outbox entries and deliveries older than the 7 days they are kept. */
function* pruneOld(beforeMs: number): Program<void> {
  yield changes('DELETE FROM outbox WHERE time < ?', beforeMs);
  yield changes('DELETE FROM deliveries WHERE created_at < ?', beforeMs);
}
