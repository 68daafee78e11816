import { expect } from 'vitest';
import { addRule } from '../../src/domains/kf/rules.js';
import type { Store } from '../../src/store/store.js';

export const APP_ROW = `INSERT INTO apps (appid, secret, type, certified, alias, original_id, kf_enabled, ip_whitelist, secret_frozen,
  created_at, updated_at) VALUES ('wx00000000000000aa', 's', 'service', true, 'alias_1', '', true, '[]', false, 1, 1)`;

/** What a store made by an older version must still do after the upgrade. */
export async function stillWorks(store: Store): Promise<void> {
  expect((await store.getApp('wx00000000000000aa'))?.alias).toBe('alias_1');
  const r = await store.addKfAccount(
    'wx00000000000000aa',
    { kf_account: 'a@alias_1', prefix: 'a', nickname: 'N', now: 2 },
    addRule(100),
  );
  expect(r).toEqual({ result: 'added', kf_id: 1001 });
  expect(await store.admitQuota('wx00000000000000aa', 'c', 1, 1)).toBe(true);
  await store.appendJournal([
    {
      rid: 'r',
      appid: null,
      cgi_path: '/x',
      invoke_time: 1,
      cost_ms: 0,
      request_url: '',
      request_body: '',
      response_body: '',
      client_ip: '',
      errcode: 0,
      reason: null,
      fault_id: null,
    },
  ]);
  expect((await store.getJournal('r'))?.cgi_path).toBe('/x');
}
