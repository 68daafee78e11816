import { type Driver, type Row } from '../sql/program.js';
import { filterWhere } from '../sql/filter.js';
import type { DeliveryRecord, Store } from '../store.js';
import { insertDelivery } from './flow.js';

type PushArea = Pick<
  Store,
  | 'getWebhook'
  | 'putWebhook'
  | 'deleteWebhook'
  | 'createDelivery'
  | 'updateDelivery'
  | 'getDelivery'
  | 'listDeliveries'
  | 'earlierPendingDelivery'
>;

const json = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);

function deliveryFromRow(r: Row): DeliveryRecord {
  return {
    id: Number(r.id),
    appid: r.appid as string,
    openid: (r.openid as string | null) ?? null,
    kind: r.kind as DeliveryRecord['kind'],
    status: r.status as string,
    created_at: Number(r.created_at),
    doc: json(r.doc) as DeliveryRecord['doc'],
  };
}

/** Webhook configs and the delivery log. */
export function pushArea(d: Driver): PushArea {
  return {
    getWebhook: async (appid) => {
      const r = await d.row('SELECT config FROM webhooks WHERE appid = ?', appid);
      return r ? (json(r.config) as Record<string, unknown>) : undefined;
    },
    putWebhook: async (appid, config) =>
      (await d.changes(
        'INSERT INTO webhooks (appid, config) SELECT appid, ? FROM apps WHERE appid = ? ON CONFLICT (appid) DO UPDATE SET config = excluded.config',
        JSON.stringify(config),
        appid,
      )) === 1,
    deleteWebhook: async (appid) => (await d.changes('DELETE FROM webhooks WHERE appid = ?', appid)) === 1,
    createDelivery: (appid, delivery) => d.transaction(insertDelivery, appid, delivery),
    updateDelivery: async (id, status, doc) =>
      (await d.changes('UPDATE deliveries SET status = ?, doc = ? WHERE id = ?', status, JSON.stringify(doc), id)) === 1,
    getDelivery: async (appid, id) => {
      const r = await d.row('SELECT * FROM deliveries WHERE appid = ? AND id = ?', appid, id);
      return r ? deliveryFromRow(r) : undefined;
    },
    listDeliveries: async (appid, f) => {
      const { where, params } = filterWhere({ appid, openid: f.openid, status: f.status, kind: f.kind }, f.since_id, [
        'created_at',
        f.from,
      ]);
      return (await d.rows(`SELECT * FROM deliveries WHERE ${where} ORDER BY id LIMIT ?`, ...params, f.limit)).map(
        deliveryFromRow,
      );
    },
    earlierPendingDelivery: async (appid, openid, id, staleBefore) =>
      (await d.row(
        "SELECT id FROM deliveries WHERE appid = ? AND openid = ? AND id < ? AND status = 'pending' AND created_at >= ? LIMIT 1",
        appid,
        openid,
        id,
        staleBefore,
      )) !== undefined,
  };
}
