/**
 * A request id as WeChat prints it after `rid:`: `XXXXXXXX-XXXXXXXX-XXXXXXXX`, lower-case hex.
 * The first group is the request's Unix time in seconds, the other two are random.
 */
export const RID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/;

/** The last second a rid's first group (8 hex digits) can carry: 2106-02-07. */
export const RID_MAX_SECONDS = 0xffffffff;

/** Whether a deployment time (ms) is one a rid can carry; the clock is never moved outside it. */
export function withinRidTime(ms: number): boolean {
  return Number.isFinite(ms) && ms >= 0 && ms < (RID_MAX_SECONDS + 1) * 1000;
}

export function formatRid(unixSeconds: number, random8: Uint8Array): string {
  if (random8.length < 8) throw new RangeError('a rid needs 8 random bytes');
  const hex = Buffer.from(random8.subarray(0, 8)).toString('hex');
  const time = (Math.floor(unixSeconds) >>> 0).toString(16).padStart(8, '0');
  return `${time}-${hex.slice(0, 8)}-${hex.slice(8, 16)}`;
}

/** The rid's time in Unix seconds, or undefined when the text is not a rid. */
export function parseRid(rid: string): { unixSeconds: number } | undefined {
  if (!RID_PATTERN.test(rid)) return undefined;
  return { unixSeconds: parseInt(rid.slice(0, 8), 16) };
}

export function makeRidGenerator(nowMs: () => number, randomBytes: (n: number) => Uint8Array): () => string {
  return () => formatRid(nowMs() / 1000, randomBytes(8));
}
