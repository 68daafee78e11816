/**
 * The runnable examples of the docs. A page's example is a ```sh block followed (blank lines or a
 * sentence between allowed) by the block that shows its answer: ```json (compared as JSON) or
 * ```text (compared line by line). In an answer, `…` stands for anything: a whole string value
 * "…" for any value, and inside a string or a line for any run of characters (a rid, a hint, a
 * token). Object keys must be exactly the keys shown.
 */
export interface DocExample {
  page: string;
  line: number;
  script: string;
  lang: 'json' | 'text';
  answer: string;
}

export function examples(page: string, text: string): DocExample[] {
  const out: DocExample[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.trim() !== '```sh') continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end]?.trim() !== '```') end++;
    const script = lines.slice(start, end).join('\n');
    // The answer block: the next fence within a few lines, if it is json or text.
    let j = end + 1;
    while (j < lines.length && j <= end + 4 && !lines[j]?.startsWith('```')) j++;
    const fence = lines[j]?.trim();
    if (fence !== '```json' && fence !== '```text') continue;
    let k = j + 1;
    while (k < lines.length && lines[k]?.trim() !== '```') k++;
    out.push({
      page,
      line: start,
      script,
      lang: fence === '```json' ? 'json' : 'text',
      answer: lines.slice(j + 1, k).join('\n'),
    });
    i = k;
  }
  return out;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A string with `…` wildcards as a whole-string pattern. */
export function wildcard(expected: string): RegExp {
  return new RegExp(`^${expected.split('…').map(escape).join('[\\s\\S]*')}$`);
}

/** Where `actual` differs from `expected` (with `…` wildcards), or undefined when it matches. */
export function mismatch(expected: unknown, actual: unknown, at = '$'): string | undefined {
  if (expected === '…') return undefined;
  if (typeof expected === 'string') {
    return typeof actual === 'string' && wildcard(expected).test(actual)
      ? undefined
      : `${at}: ${JSON.stringify(actual)} is not ${JSON.stringify(expected)}`;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length)
      return `${at}: ${JSON.stringify(actual)} is not a list of ${expected.length}`;
    for (let i = 0; i < expected.length; i++) {
      const m = mismatch(expected[i], actual[i], `${at}[${i}]`);
      if (m) return m;
    }
    return undefined;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual))
      return `${at}: ${JSON.stringify(actual)} is not an object`;
    const want = Object.keys(expected).sort();
    const got = Object.keys(actual).sort();
    if (want.join() !== got.join()) return `${at}: keys ${got.join(', ')} are not ${want.join(', ')}`;
    for (const key of want) {
      const m = mismatch((expected as Record<string, unknown>)[key], (actual as Record<string, unknown>)[key], `${at}.${key}`);
      if (m) return m;
    }
    return undefined;
  }
  return Object.is(expected, actual) ? undefined : `${at}: ${JSON.stringify(actual)} is not ${JSON.stringify(expected)}`;
}

/** Compares an example's output with its answer block. */
export function compare(example: DocExample, output: string): string | undefined {
  if (example.lang === 'text') {
    const want = example.answer.trimEnd().split('\n');
    const got = output.trimEnd().split('\n');
    if (want.length !== got.length) return `${got.length} lines, not ${want.length}:\n${output}`;
    for (let i = 0; i < want.length; i++) {
      if (!wildcard(want[i] as string).test(got[i] as string))
        return `line ${i + 1}: ${JSON.stringify(got[i])} is not ${JSON.stringify(want[i])}`;
    }
    return undefined;
  }
  let actual: unknown;
  try {
    actual = JSON.parse(output);
  } catch {
    return `not JSON: ${output}`;
  }
  return mismatch(JSON.parse(example.answer), actual);
}
