import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkMessage, decideTyping, mayAppSend, recordText, typingPathFits } from '../../../src/domains/messages/rules.js';
import { chargeableGrant, liveGrants, WINDOW_TABLE } from '../../../src/domains/messages/window.js';
import { GRANT_KINDS, type ChargeRecord, type GrantRecord } from '../../../src/store/store.js';
import { appRecord } from '../../helpers/records.js';

const H = 3600_000;
const current = { window_profile: 'current', window_counting: 'accumulate' } as const;

describe('the window (pure)', () => {
  it("messages.md's worked example under current + accumulate, and the same under reset", () => {
    const grants: GrantRecord[] = [{ kind: 'message', action_at: H, used_since_action: 0 }];
    const charges: ChargeRecord[] = Array.from({ length: 5 }, () => ({ kind: 'message', at: 10_000 }));
    expect(chargeableGrant({ subscribed: true }, liveGrants(current, grants, charges, H)).ok).toBe(false);
    expect(
      chargeableGrant({ subscribed: true }, liveGrants({ ...current, window_counting: 'reset' }, grants, charges, H)),
    ).toMatchObject({
      ok: true,
    });
    const later = liveGrants(current, grants, charges, 48 * H + 11_000);
    expect(later).toEqual([{ kind: 'message', opened_at: H, expires_at: 49 * H, allowance: 5, used: 0, remaining: 5 }]);
    expect(liveGrants(current, grants, charges, 49 * H)).toEqual([]);
    expect(chargeableGrant({ subscribed: true }, [])).toMatchObject({ ok: false, err: 'RESPONSE_OUT_OF_TIME' });
    expect(chargeableGrant({ subscribed: false }, later)).toMatchObject({ ok: false, err: 'RESPONSE_OUT_OF_TIME' });
  });

  it('a send is charged to the live grant with room that ends first (ties in the table order); never to one without room', () => {
    const kind = fc.constantFrom(...GRANT_KINDS);
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.record({
            kind,
            action_at: fc.integer({ min: 0, max: 100_000 }),
            used_since_action: fc.integer({ min: 0, max: 25 }),
          }),
          {
            selector: (g) => g.kind,
          },
        ),
        fc.constantFrom('current', 'legacy'),
        fc.integer({ min: 0, max: 200_000 }),
        (grants, profile, now) => {
          const live = liveGrants({ window_profile: profile, window_counting: 'reset' }, grants, [], now);
          for (const g of live) expect(now).toBeLessThan(g.expires_at);
          const chosen = chargeableGrant({ subscribed: true }, live);
          const withRoom = live.filter((g) => g.used < g.allowance);
          if (withRoom.length === 0) {
            expect(chosen.ok).toBe(false);
            return;
          }
          if (!chosen.ok) throw new Error('a grant with room was refused');
          for (const g of withRoom) expect(chosen.value.expires_at).toBeLessThanOrEqual(g.expires_at);
          expect(chosen.value.used).toBeLessThan(chosen.value.allowance);
        },
      ),
    );
  });

  it('the table: current 5 / 48 h for messages and 3 / 60 s for the rest; legacy 20 / 48 h', () => {
    expect(WINDOW_TABLE.current.message).toEqual({ allowance: 5, validityMs: 48 * H });
    expect(WINDOW_TABLE.current.scan).toEqual({ allowance: 3, validityMs: 60_000 });
    expect(WINDOW_TABLE.legacy.click).toEqual({ allowance: 20, validityMs: 48 * H });
  });
});

describe('message checks (pure)', () => {
  const oa = { type: 'service' as const };
  const mp = { type: 'mini_program' as const };
  it('types per app kind', () => {
    expect(mayAppSend(oa, 'voice')).toBe(true);
    expect(mayAppSend(oa, 'link')).toBe(false);
    expect(mayAppSend(mp, 'link')).toBe(true);
    expect(mayAppSend(mp, 'voice')).toBe(false);
    expect(mayAppSend(oa, 'toString')).toBe(false);
  });

  it('rules 2–6 in order', () => {
    expect(checkMessage(oa, { msgtype: 1 })).toMatchObject({ err: 'INVALID_MESSAGE_TYPE' });
    expect(checkMessage(oa, { msgtype: 'text' })).toMatchObject({ err: 'EMPTY_CONTENT' });
    expect(checkMessage(oa, { msgtype: 'text', text: { content: 'é'.repeat(1025) } })).toMatchObject({ err: 'CONTENT_TOO_LONG' });
    expect(checkMessage(oa, { msgtype: 'text', text: { content: 'é'.repeat(1024) } })).toEqual({ ok: true, value: 'text' });
    expect(checkMessage(oa, { msgtype: 'news', news: { articles: [1, 2] } })).toMatchObject({ err: 'ARTICLE_SIZE_OUT_OF_LIMIT' });
    expect(checkMessage(oa, { msgtype: 'news', news: { articles: [] } })).toMatchObject({ err: 'INVALID_ARGS' });
    expect(checkMessage(oa, { msgtype: 'video', video: { media_id: 'm', title: 3 } })).toMatchObject({ err: 'INVALID_ARGS' });
    expect(checkMessage(oa, { msgtype: 'video', video: { media_id: 'm', title: null } })).toMatchObject({ ok: true });
    expect(
      checkMessage(oa, { msgtype: 'miniprogrampage', miniprogrampage: { title: 't', pagepath: 'p', thumb_media_id: 't' } }),
    ).toMatchObject({
      err: 'INVALID_ARGS',
    });
    expect(
      checkMessage(mp, { msgtype: 'miniprogrampage', miniprogrampage: { title: 't', pagepath: 'p', thumb_media_id: 't' } }),
    ).toMatchObject({
      ok: true,
    });
  });

  it('chat record texts', () => {
    expect(recordText('text', 'hi')).toBe('hi');
    expect(recordText('image')).toBe('[image]');
    expect(recordText('shortvideo')).toBe('[video]');
    expect(recordText('location')).toBe('[location]');
  });

  it('typing: the path by app kind; the 30 s and 15 s edges', () => {
    expect(typingPathFits(oa, '/cgi-bin/message/custom/typing')).toBe(true);
    expect(typingPathFits(mp, '/cgi-bin/message/custom/typing')).toBe(false);
    const app = appRecord();
    const user = {
      appid: 'wx1',
      openid: 'u',
      nickname: '',
      subscribed: true,
      subscribe_time: 0,
      created_at: 0,
      updated_at: 0,
      typing_until: null,
      last_exchange_at: 0,
      session: null,
      waiting: null,
    };
    const state = (over = {}) => ({
      user: { ...user, ...over },
      grants: [{ kind: 'message' as const, action_at: 0, used_since_action: 0 }],
      charges: [],
      accounts: new Map(),
    });
    const call = (now: number) => ({
      app,
      path: '/cgi-bin/message/custom/typing',
      body: { touser: 'u', command: 'Typing' },
      rid: 'r',
      now,
    });
    expect(decideTyping(call(30_000), state()).result).toBeNull();
    expect(decideTyping(call(30_001), state()).result).toMatchObject({ err: 'TYPING_NEEDS_EXCHANGE' });
    expect(decideTyping(call(20_000), state({ typing_until: 20_001 })).result).toMatchObject({ err: 'ALREADY_TYPING' });
    expect(decideTyping(call(20_000), state({ typing_until: 20_000 })).result).toBeNull();
  });
});
