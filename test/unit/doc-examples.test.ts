import { describe, expect, it } from 'vitest';
import { compare, examples, mismatch } from '../helpers/doc-examples.js';

describe('the docs example runner', () => {
  const page = [
    '# t',
    '```sh',
    'echo hi',
    '```',
    'It answers:',
    '```json',
    '{"a": "x…z", "b": "…", "c": [1]}',
    '```',
    '```sh',
    'date',
    '```',
    '```text',
    'today …',
    '```',
  ].join('\n');
  it('finds each script with the answer block after it', () => {
    const found = examples('p.md', page);
    expect(found.map((e) => [e.script, e.lang, e.answer])).toEqual([
      ['echo hi', 'json', '{"a": "x…z", "b": "…", "c": [1]}'],
      ['date', 'text', 'today …'],
    ]);
  });
  it('… matches any run of characters, and a whole "…" any value; keys must be exactly those shown', () => {
    const [json, text] = examples('p.md', page);
    expect(compare(json!, '{"a": "xyyz", "b": {"deep": 1}, "c": [1]}')).toBeUndefined();
    expect(compare(json!, '{"a": "xyy", "b": 1, "c": [1]}')).toContain('$.a');
    expect(compare(json!, '{"a": "xz", "b": 1, "c": [1], "d": 2}')).toContain('keys');
    expect(compare(json!, '{"a": "xz", "b": 1, "c": [2]}')).toContain('$.c[0]');
    expect(compare(text!, 'today is Saturday\n')).toBeUndefined();
    expect(compare(text!, 'yesterday\n')).toContain('line 1');
    expect(mismatch({ errcode: 40001 }, { errcode: 40001.0 })).toBeUndefined();
  });
});
