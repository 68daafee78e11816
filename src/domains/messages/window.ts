import {
  GRANT_KINDS,
  type ChargeRecord,
  type GrantKind,
  type GrantRecord,
  type UserFlowRecord,
  type WindowCounting,
  type WindowProfile,
} from '../../store/store.js';
import { fail, ok, type Check } from '../../wire/check.js';

/**
 * The interaction window (messages.md): a user's action gives the app a grant of its kind, live
 * for the kind's validity from its latest action, with an allowance of sends.
 */
const H48 = 48 * 3600_000;
export const WINDOW_TABLE: Record<WindowProfile, Record<GrantKind, { allowance: number; validityMs: number }>> = {
  current: {
    message: { allowance: 5, validityMs: H48 },
    click: { allowance: 3, validityMs: 60_000 },
    subscribe: { allowance: 3, validityMs: 60_000 },
    scan: { allowance: 3, validityMs: 60_000 },
  },
  legacy: {
    message: { allowance: 20, validityMs: H48 },
    click: { allowance: 20, validityMs: H48 },
    subscribe: { allowance: 20, validityMs: H48 },
    scan: { allowance: 20, validityMs: H48 },
  },
};

export interface WindowRules {
  window_profile: WindowProfile;
  window_counting: WindowCounting;
}

/** A live grant as the window route shows it (times in ms here). */
export interface GrantView {
  kind: GrantKind;
  opened_at: number;
  expires_at: number;
  allowance: number;
  used: number;
  remaining: number;
}

/** The live grants, in the table's kind order: `now < latest action + validity`. */
export function liveGrants(
  rules: WindowRules,
  grants: readonly GrantRecord[],
  charges: readonly ChargeRecord[],
  now: number,
): GrantView[] {
  const views: GrantView[] = [];
  for (const kind of GRANT_KINDS) {
    const g = grants.find((x) => x.kind === kind);
    if (!g) continue;
    const { allowance, validityMs } = WINDOW_TABLE[rules.window_profile][kind];
    const expires_at = g.action_at + validityMs;
    if (!(now < expires_at)) continue;
    // accumulate: the sends charged to this kind in (now − validity, now]; reset: those since its
    // latest action. A charge stamped after `now` counts too: another node read its clock a moment
    // later, and committed before this call got the user's lock.
    const used =
      rules.window_counting === 'reset'
        ? g.used_since_action
        : charges.filter((c) => c.kind === kind && c.at > now - validityMs).length;
    views.push({ kind, opened_at: g.action_at, expires_at, allowance, used, remaining: Math.max(0, allowance - used) });
  }
  return views;
}

/**
 * Rules 11–12 of custom/send: the grant a send now is charged to (the live one with room that ends
 * first; a tie goes to the table's kind order), or 45015 (unsubscribed, no live grant) / 45047.
 */
export function chargeableGrant(user: Pick<UserFlowRecord, 'subscribed'>, live: readonly GrantView[]): Check<GrantView> {
  if (!user.subscribed) return fail('RESPONSE_OUT_OF_TIME', 'the user has unsubscribed');
  if (live.length === 0) return fail('RESPONSE_OUT_OF_TIME', 'the user has no live grant: the window is closed');
  const withRoom = live.filter((g) => g.used < g.allowance);
  if (withRoom.length === 0) {
    return fail(
      'RESPONSE_COUNT_LIMIT',
      `every live grant is used up (${live.map((g) => `${g.kind} ${g.used}/${g.allowance}`).join(', ')})`,
    );
  }
  const order = (g: GrantView) => GRANT_KINDS.indexOf(g.kind);
  return ok([...withRoom].sort((a, b) => a.expires_at - b.expires_at || order(a) - order(b))[0] as GrantView);
}

/** A new action of this kind: the grant's latest action moves to now and its count since starts again. */
export const grantFor = (kind: GrantKind, now: number): GrantRecord => ({ kind, action_at: now, used_since_action: 0 });
