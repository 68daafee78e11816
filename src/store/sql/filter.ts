/**
 * A list read's WHERE clause: each given column equal to its value (undefined ones are left out),
 * `id > since_id` when one is given (a reader pages on the increasing id), and `column >= value`
 * for `atLeast` (what is kept: entries younger than the retention).
 */
export function filterWhere(
  equals: Record<string, unknown>,
  sinceId: number | undefined,
  atLeast?: [column: string, value: number],
): { where: string; params: unknown[] } {
  const terms: string[] = [];
  const params: unknown[] = [];
  for (const [column, value] of Object.entries(equals)) {
    if (value === undefined) continue;
    terms.push(`${column} = ?`);
    params.push(value);
  }
  if (atLeast) {
    terms.push(`${atLeast[0]} >= ?`);
    params.push(atLeast[1]);
  }
  if (sinceId !== undefined) {
    terms.push('id > ?');
    params.push(sinceId);
  }
  return { where: terms.join(' AND '), params };
}
