import type { ErrName } from './errcodes.js';

/**
 * What a rule answers: the value it checked, or the WeChat error that refuses it with the reason
 * in plain words (for the journal and the log, never the wire).
 */
export type Check<T = true> = { ok: true; value: T } | Refusal;
/** A rule's refusal: the WeChat error and why, in plain words. */
export type Refusal = { ok: false; err: ErrName; why: string };

export const ok = <T>(value: T): Check<T> => ({ ok: true, value });
export const fail = (err: ErrName, why: string): Refusal => ({ ok: false, err, why });

/** A value WeChat treats as given: a non-empty string (any other type counts as missing). */
export function given(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}
