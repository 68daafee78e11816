import type { FaultRecord, NewFault } from '../../store/store.js';
import { ERR, errNameOf } from '../../wire/errcodes.js';

/** A fault as the admin API takes it (operator.md, "Faults, exactly"). */
export interface FaultInput {
  path: string;
  appid?: string;
  errcode?: number;
  errmsg?: string;
  count?: number;
  ratio?: number;
  delay_ms?: number;
}

/**
 * Checks a fault beyond its schema: the path names an interface wxkf serves; an errcode and/or a
 * delay; the errmsg defaults to the table's text and is required for a code the table lacks;
 * `count` and `ratio` exclude each other. Answers the fault to store, or the field at fault.
 */
export function checkFault(input: FaultInput, served: ReadonlyMap<string, string>, now: number): NewFault | string {
  if (!served.has(input.path)) return `path: wxkf serves no interface at ${input.path}`;
  if (input.errcode === undefined && input.delay_ms === undefined) return 'errcode: give an errcode, a delay_ms, or both';
  if (input.count !== undefined && input.ratio !== undefined) return 'ratio: give count or ratio, not both';
  let errmsg = input.errmsg ?? null;
  if (input.errcode !== undefined && errmsg === null) {
    const name = errNameOf(input.errcode);
    if (name === undefined) return `errmsg: required for ${input.errcode}, which wxkf's errcode table lacks`;
    errmsg = ERR[name].errmsg;
  }
  return {
    // Kept as given (the fault shows what the operator wrote); matched by its interface.
    path: input.path,
    appid: input.appid ?? null,
    errcode: input.errcode ?? null,
    errmsg: input.errcode === undefined ? null : errmsg,
    count: input.count ?? null,
    ratio: input.ratio ?? null,
    delay_ms: input.delay_ms ?? null,
    created_at: now,
  };
}

/**
 * The faults that may touch a call to `iface`: path-wide ones (`appid` null) at check 1, or those
 * scoped to the caller's app once it is known; oldest first. A `ratio` fault is kept when its roll
 * (uniform in [0, 1)) falls under the ratio.
 */
export function candidates(
  faults: readonly FaultRecord[],
  iface: string,
  appid: string | null,
  roll: () => number,
  interfaceOf: (path: string) => string | undefined,
): FaultRecord[] {
  return faults.filter(
    (f) =>
      interfaceOf(f.path) === iface &&
      f.appid === appid &&
      (f.remaining === null || f.remaining > 0) &&
      (f.ratio === null || roll() < f.ratio),
  );
}
