/** WeChat's days and months are China's (UTC+8, no daylight saving): daily limits reset at its midnight. */
const CHINA_OFFSET_MS = 8 * 3600_000;

/** The China calendar day of a time, as days since the epoch. */
export function chinaDay(ms: number): number {
  return Math.floor((ms + CHINA_OFFSET_MS) / 86_400_000);
}

/** The China calendar month of a time, as year × 12 + month (0-based). */
export function chinaMonth(ms: number): number {
  const d = new Date(ms + CHINA_OFFSET_MS);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}
