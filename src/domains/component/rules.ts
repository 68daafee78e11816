import { fail, given, type Check } from '../../wire/check.js';
import type { ErrName } from '../../wire/errcodes.js';
import type { ComponentPlatformRecord } from '../../store/store.js';

/** A pushed component_verify_ticket is good for 12 hours (wxkf's decision; WeChat pushes every 10 minutes). */
export const TICKET_TTL_MS = 12 * 3600_000;
/** Authorization codes are single-use and valid 3600 s (component.md). */
export const AUTH_CODE_TTL_MS = 3600_000;

/** api_component_token's body: 41002, 41004, then 47001 for a missing ticket. */
export function checkComponentTokenRequest(
  body: Record<string, unknown>,
): Check<{ appid: string; secret: string; ticket: string }> {
  if (!given(body.component_appid)) return fail('APPID_MISSING', 'no component_appid');
  if (!given(body.component_appsecret)) return fail('APPSECRET_MISSING', 'no component_appsecret');
  if (!given(body.component_verify_ticket)) return fail('DATA_FORMAT_ERROR', 'no component_verify_ticket');
  return {
    ok: true,
    value: { appid: body.component_appid, secret: body.component_appsecret, ticket: body.component_verify_ticket },
  };
}

/** 61006 when the ticket is not the platform's current one, 61005 when the current one is past its 12 hours. */
export function ticketRefusal(
  p: Pick<ComponentPlatformRecord, 'ticket' | 'ticket_at'>,
  ticket: string,
  now: number,
): { err: ErrName; why: string } | null {
  if (!p.ticket) return { err: 'COMPONENT_TICKET_INVALID', why: 'no component_verify_ticket was pushed to this platform' };
  if (p.ticket !== ticket) return { err: 'COMPONENT_TICKET_INVALID', why: 'component_verify_ticket is not the one last pushed' };
  if (p.ticket_at === null || p.ticket_at === undefined || now >= p.ticket_at + TICKET_TTL_MS) {
    return { err: 'COMPONENT_TICKET_EXPIRED', why: 'the last pushed ticket is over 12 hours old' };
  }
  return null;
}

/** `func_info` as api_query_auth answers it. */
export function funcInfo(ids: readonly number[]): { funcscope_category: { id: number } }[] {
  return ids.map((id) => ({ funcscope_category: { id } }));
}
