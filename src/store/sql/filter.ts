/**
 * A list read's WHERE clause: each given column equal to its value (undefined ones are left out),
 * and `id > since_id` when one is given (a reader pages on the increasing id).
 */
export function filterWhere(equals: Record<string, unknown>, sinceId: number | undefined): { where: string; params: unknown[] } {
  const terms: string[] = [];
  const params: unknown[] = [];
  for (const [column, value] of Object.entries(equals)) {
    if (value === undefined) continue;
    terms.push(`${column} = ?`);
    params.push(value);
  }
  if (sinceId !== undefined) {
    terms.push('id > ?');
    params.push(sinceId);
  }
  return { where: terms.join(' AND '), params };
}
