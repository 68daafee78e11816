import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { DeploymentClock, SystemClock } from '../../src/platform/clock.js';
import { SeededRandom } from '../../src/platform/random.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { ERR } from '../../src/wire/errcodes.js';
import { call } from '../helpers/http.js';
import { startTarget, type Target } from '../helpers/target.js';

const doc = (name: string) => readFileSync(new URL(`../../docs/${name}`, import.meta.url), 'utf8');

describe('docs/errcodes.md', () => {
  const rows = doc('errcodes.md')
    .split('\n')
    .map((line) => /^\| (-?\d+) \| ([A-Z_]+) \| (.+) \|$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ errcode: Number(m[1]), name: m[2], errmsg: m[3] }));

  it('lists every entry of the table, with its code and text', () => {
    const table = Object.entries(ERR).map(([name, e]) => ({ errcode: e.errcode, name, errmsg: e.errmsg }));
    expect(rows).toEqual(table);
  });
});

describe('docs/coverage.md', () => {
  const rows = doc('coverage.md')
    .split('\n')
    .map((line) => /^\| (✅|⬜) \| ([A-Z, ]+) \| (\S+) \|/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ done: m[1] === '✅', method: (m[2] as string).split(',')[0]?.trim() as string, path: m[3] as string }));
  let t: Target;
  beforeAll(async () => {
    t = await startTarget();
  });
  afterAll(() => t.close());

  it('has rows', () => expect(rows.length).toBeGreaterThan(5));
  it('lists every path the server serves, as ✅', async () => {
    const wxkf = await buildApp({
      store: openSqliteStore(':memory:'),
      clock: new DeploymentClock(new SystemClock()),
      random: new SeededRandom(),
      adminToken: { plain: 'x' },
    });
    const done = new Set(rows.filter((r) => r.done).map((r) => r.path));
    expect([...wxkf.served.keys()].filter((path) => !done.has(path))).toEqual([]);
    await wxkf.fastify.close();
  });
  it('a ✅ path is answered, a ⬜ path is 40066', async () => {
    for (const row of rows) {
      const a = await call(t.baseUrl, row.path, { method: row.method, body: row.method === 'POST' ? {} : undefined });
      expect(a.json.errcode === 40066, `${row.method} ${row.path}`).toBe(!row.done);
    }
  });
});

describe('tests cited by the docs', () => {
  it('every test file README.md and docs/ name exists', () => {
    const root = new URL('../../', import.meta.url);
    const texts = [readFileSync(new URL('README.md', root), 'utf8'), ...readdirSync(new URL('docs/', root)).map((f) => doc(f))];
    const cited = new Set(texts.flatMap((t) => t.match(/test\/[\w./-]+\.test\.ts/g) ?? []));
    expect(cited.size).toBeGreaterThan(0);
    expect([...cited].filter((f) => !existsSync(new URL(f, root)))).toEqual([]);
  });
});

describe('the docs stand alone', () => {
  const root = new URL('../../', import.meta.url);
  const pages = [
    'README.md',
    ...readdirSync(new URL('docs/', root))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ];
  const texts = pages.map((p) => [p, readFileSync(new URL(p, root), 'utf8')] as const);

  it('cite no path outside the repository', () => {
    const outside = texts.flatMap(([p, t]) =>
      (t.match(/(\.\.\/[\w./-]+|shared\/spec\/[\w./-]*)/g) ?? []).map((m) => `${p}: ${m}`),
    );
    expect(outside).toEqual([]);
  });

  it('every repository path a page names exists (src/, test/, docs/, scripts/, bench/ and links)', () => {
    const cited = texts.flatMap(([p, t]) => {
      const inline = t.match(/(?<![\w/.-])(?:src|test|docs|scripts|bench|\.ci)\/[\w./-]*[\w]/g) ?? [];
      const links = [...t.matchAll(/\]\(([^)#\s]+)\)/g)].map((m) => m[1] as string).filter((l) => !/^[a-z]+:/.test(l));
      const fromPage = (l: string) => new URL(l, new URL(p, root)).pathname.slice(new URL(root).pathname.length);
      return [...inline.map((f) => ({ p, f })), ...links.map((l) => ({ p, f: fromPage(l) }))];
    });
    expect(cited.length).toBeGreaterThan(20);
    // A path with a placeholder (docs/<area>.md, NNN_name.sql) names a pattern, not a file.
    const missing = cited.filter(({ f }) => !/[<>{}*]|NNN/.test(f) && !existsSync(new URL(f.replace(/\/$/, ''), root)));
    expect(missing.map(({ p, f }) => `${p}: ${f}`)).toEqual([]);
  });
});
