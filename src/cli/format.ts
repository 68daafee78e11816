/** The CLI's human output and its readings of durations and times. */

/** A plain table: a header row, then one row per item, columns padded to their widest cell. */
export function table(headers: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null || c === undefined ? '' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => [...(r[i] ?? '')].length)));
  return cells
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat((widths[i] ?? 0) - [...c].length)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** `key: value` lines, keys aligned. */
export function fields(obj: Record<string, unknown>): string {
  const keys = Object.keys(obj);
  const width = Math.max(0, ...keys.map((k) => k.length));
  return keys
    .map((k) => {
      const v = obj[k];
      const text = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
      return `${k}:${' '.repeat(width - k.length + 1)}${text}`;
    })
    .join('\n');
}

/** Unix seconds as an ISO time (UTC), as the CLI shows every time. */
export function isoTime(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace('.000Z', 'Z');
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** `90s`, `2h`, `7d`, `1h30m`, `-1h`, or a plain number of seconds: seconds. Undefined when it is none of these. */
export function parseDuration(text: string): number | undefined {
  const m = /^(-?)((?:\d+(?:\.\d+)?[smhdw])+|\d+(?:\.\d+)?)$/.exec(text.trim());
  if (!m) return undefined;
  const body = m[2] as string;
  let seconds = 0;
  if (/^\d+(\.\d+)?$/.test(body)) seconds = Number(body);
  else for (const [, n, unit] of body.matchAll(/(\d+(?:\.\d+)?)([smhdw])/g)) seconds += Number(n) * (UNITS[unit as string] ?? 0);
  return m[1] === '-' ? -seconds : seconds;
}

/** Unix seconds, or an ISO time (`2026-12-05T12:00:00Z`, `2026-12-05`): Unix seconds. */
export function parseTime(text: string): number | undefined {
  if (/^\d+$/.test(text.trim())) return Number(text.trim());
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}
