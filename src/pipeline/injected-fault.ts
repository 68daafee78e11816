import type { FastifyRequest } from 'fastify';

/**
 * Injected faults as the pipeline applies them (operator.md, "Faults, exactly"): check 1 for a
 * path-wide fault, and once the caller's app is known for an app-scoped one.
 */
/** An injected fault that fired on a call (operator.md): answer `errcode` and/or wait first. */
export interface InjectedFault {
  id: number;
  errcode: number | null;
  errmsg: string | null;
  delay_ms: number | null;
}

/** The answer of an injected fault: any errcode, with its text. */
export class InjectedAnswer extends Error {
  constructor(
    readonly errcode: number,
    readonly text: string,
    readonly faultId: number,
  ) {
    super(text);
  }
}

/** The fault that fires on a call, or undefined at once when none could (no promise then). */
export type FaultSource = (iface: string, appid: string | null) => Promise<InjectedFault | undefined> | undefined;

/** Applies the fault that fires on this call, if any: records it, waits its delay, answers its errcode. */
export async function injectFault(fault: FaultSource, req: FastifyRequest, iface: string, appid: string | null): Promise<void> {
  const pending = fault(iface, appid);
  if (pending === undefined) return;
  const f = await pending;
  if (!f) return;
  req.wx.faultId = f.id;
  if (f.delay_ms !== null && f.delay_ms > 0) await new Promise((resolve) => setTimeout(resolve, f.delay_ms as number));
  if (f.errcode !== null) throw new InjectedAnswer(f.errcode, f.errmsg ?? '', f.id);
}
