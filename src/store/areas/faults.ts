import type { Driver, Row } from '../sql/program.js';
import type { FaultRecord, Store } from '../store.js';

type FaultsArea = Pick<Store, 'createFault' | 'listFaults' | 'deleteFault' | 'fireFault'>;

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function faultFromRow(r: Row): FaultRecord {
  return {
    id: Number(r.id),
    path: r.path as string,
    appid: (r.appid as string | null) ?? null,
    errcode: num(r.errcode),
    errmsg: (r.errmsg as string | null) ?? null,
    count: num(r.count),
    ratio: num(r.ratio),
    delay_ms: num(r.delay_ms),
    fired: Number(r.fired),
    remaining: num(r.remaining),
    created_at: Number(r.created_at),
  };
}

/**
 * Injected faults. Firing is one statement, so a `count` fault answers exactly N calls across all
 * nodes, and a deleted fault fires nowhere from the moment it is gone.
 */
export function faultsArea(d: Driver): FaultsArea {
  return {
    createFault: async (f) => {
      const r = await d.writeRow(
        `INSERT INTO faults (path, appid, errcode, errmsg, count, ratio, delay_ms, fired, remaining, created_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?) RETURNING *`,
        f.path,
        f.appid,
        f.errcode,
        f.errmsg,
        f.count,
        f.ratio,
        f.delay_ms,
        f.count,
        f.created_at,
      );
      return faultFromRow(r as Row);
    },
    listFaults: async () => (await d.rows('SELECT * FROM faults ORDER BY id')).map(faultFromRow),
    deleteFault: async (id) => (await d.changes('DELETE FROM faults WHERE id = ?', id)) === 1,
    fireFault: async (id) => {
      const r = await d.writeRow(
        `UPDATE faults SET fired = fired + 1, remaining = CASE WHEN remaining IS NULL THEN NULL ELSE remaining - 1 END
          WHERE id = ? AND (remaining IS NULL OR remaining > 0) RETURNING *`,
        id,
      );
      return r ? faultFromRow(r) : undefined;
    },
  };
}
