import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KfService } from '../../../src/domains/kf/service.js';
import { MAX_WORKER_BINDINGS } from '../../../src/domains/kf/rules.js';
import { FakeClock } from '../../../src/platform/clock.js';
import { isWaiting } from '../../../src/domains/kf/rules.js';
import { openSqliteStore } from '../../../src/store/sqlite.js';
import type { AppRecord } from '../../../src/store/store.js';
import { appRecord } from '../../helpers/records.js';

// The invitation state machine, driven through the service and a real (in-memory) store: no
// sequence of invite / accept / reject / expire / del / re-add may break its invariants.
// Seven apps, so that one worker could reach (and must never pass) its 5 bindings.
const APPIDS = Array.from({ length: 7 }, (_, i) => `wx000000000000000${i + 1}`);
const PREFIXES = ['a', 'b'];
const WORKERS = ['worker_one', 'worker_two'];
type Op =
  | { kind: 'invite'; app: number; acct: number; worker: number }
  | { kind: 'accept' | 'reject' | 'del' | 'add'; app: number; acct: number }
  | { kind: 'expire'; days: number };
const idx = (n: number) => fc.integer({ min: 0, max: n - 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
  // Mostly the first worker and the first account of each app, so sequences reach the 5-binding limit.
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('invite' as const),
      app: idx(7),
      acct: fc.constantFrom(0, 0, 0, 1),
      worker: fc.constantFrom(0, 0, 0, 1),
    }),
  },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('accept' as const), app: idx(7), acct: fc.constantFrom(0, 0, 0, 1) }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constantFrom('reject' as const, 'del' as const, 'add' as const), app: idx(7), acct: idx(2) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('expire' as const), days: fc.integer({ min: 1, max: 8 }) }) },
);

describe('invitation state machine', () => {
  it('property: one waiting invitation per account, per worker and app; kf_wx only through accept; at most 5 bindings', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 20, maxLength: 120 }), async (ops) => {
        const store = openSqliteStore(':memory:');
        const clock = new FakeClock(Date.UTC(2026, 0, 1));
        const kf = new KfService(store, clock, []);
        const apps: AppRecord[] = APPIDS.map((appid, i) => appRecord({ appid, alias: `alias_${i}x` }));
        const acct = (app: number, a: number) => `${PREFIXES[a]}@${apps[app]!.alias}`;
        // What the model says is bound: set by a successful accept only, cleared by del.
        const bound = new Map<string, string>();
        for (const app of apps) await store.createApp(app, 0);
        for (const [i, app] of apps.entries())
          for (const a of PREFIXES.keys()) await kf.add(app, { kf_account: acct(i, a), nickname: 'N' });
        for (const o of ops) {
          if (o.kind === 'expire') {
            clock.advance(o.days * 86_400_000);
            continue;
          }
          const app = apps[o.app]!;
          const key = `${app.appid}/${PREFIXES[o.acct]}`;
          if (o.kind === 'invite')
            await kf.invite(app, { kf_account: acct(o.app, o.acct), invite_wx: WORKERS[o.worker] }).catch(() => {});
          if (o.kind === 'add') await kf.add(app, { kf_account: acct(o.app, o.acct), nickname: 'N' }).catch(() => {});
          if (o.kind === 'del') {
            await kf.del(app, acct(o.app, o.acct)).catch(() => {});
            bound.delete(key);
          }
          if (o.kind === 'accept' || o.kind === 'reject') {
            const before = await store.getKfAccount(app.appid, PREFIXES[o.acct]!);
            const answer = await kf.answerInvitation(app, PREFIXES[o.acct]!, o.kind === 'accept');
            if (answer === 'accepted') bound.set(key, before!.invite_wx!);
          }
          const now = Math.floor(clock.now() / 1000);
          const all = (await Promise.all(APPIDS.map((id) => store.listKfAccounts(id)))).flat();
          for (const a of all) {
            expect(a.kf_wx ?? undefined).toBe(bound.get(`${a.appid}/${a.kf_account.split('@')[0]}`));
            if (a.kf_wx) expect(a.invite_wx).toBeNull();
          }
          for (const w of WORKERS) {
            expect(all.filter((a) => a.kf_wx === w).length).toBeLessThanOrEqual(MAX_WORKER_BINDINGS);
            for (const appid of APPIDS) {
              expect(all.filter((a) => a.appid === appid && a.invite_wx === w && isWaiting(a, now)).length).toBeLessThanOrEqual(
                1,
              );
            }
          }
        }
        await store.close();
      }),
      { numRuns: 100 },
    );
  });
});
