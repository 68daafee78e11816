import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/process.js';
import { compare, examples, type DocExample } from '../helpers/doc-examples.js';
import { startTarget, type Target } from '../helpers/target.js';
import { AdminClient } from '../helpers/admin.js';

/**
 * Every runnable example in README.md and docs/ is run, page by page, against a fresh deployment
 * seeded with docs/examples-seed.json, and must answer as the page shows. A page's examples run in
 * their order and share its state. The shell gets: WXKF (the base URL), ADMIN (the admin token),
 * APPID, SECRET and ALIAS (the seed's first app), TOKEN (a fresh access token of it),
 * COMPONENT_APPID and COMPONENT_SECRET (the seed's platform), and `wxkf` on its PATH.
 */
const run = promisify(execFile);
const root = new URL('../../', import.meta.url);
const seed = JSON.parse(readFileSync(new URL('docs/examples-seed.json', root), 'utf8')) as {
  apps: { appid: string; secret: string; alias: string }[];
  component_platforms: { component_appid: string; component_appsecret: string }[];
};
const pages = [
  'README.md',
  ...readdirSync(new URL('docs/', root))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const byPage = new Map<string, DocExample[]>(
  pages
    .map((page) => [page, examples(page, readFileSync(new URL(page, root), 'utf8'))] as const)
    .filter(([, list]) => list.length > 0),
);

let t: Target;
let bin: string;
beforeAll(async () => {
  t = await startTarget();
  bin = mkdtempSync(join(tmpdir(), 'wxkf-doc-bin-'));
  writeFileSync(join(bin, 'wxkf'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(join(bin, 'wxkf'), 0o755);
});
afterAll(() => t.close());

describe('the docs hold runnable examples', () => {
  it('the pages have some', () => expect([...byPage.values()].flat().length).toBeGreaterThan(100));
});

for (const [page, list] of byPage) {
  describe(`examples of ${page}`, () => {
    let env: NodeJS.ProcessEnv;
    beforeAll(async () => {
      const admin = new AdminClient(t);
      await admin.reset();
      await admin.seed(seed);
      const app = seed.apps[0];
      const platform = seed.component_platforms[0];
      env = {
        PATH: `${bin}:${process.env.PATH}`,
        HOME: process.env.HOME,
        WXKF: t.baseUrl,
        ADMIN: t.adminToken,
        APPID: app?.appid,
        SECRET: app?.secret,
        ALIAS: app?.alias,
        TOKEN: await admin.token(app?.appid as string),
        COMPONENT_APPID: platform?.component_appid,
        COMPONENT_SECRET: platform?.component_appsecret,
      };
    });
    for (const example of list) {
      it(`line ${example.line}: ${example.script.split('\n')[0]?.slice(0, 90)}`, async () => {
        const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', example.script], { env, timeout: 20_000 }).catch(
          (err: { stdout?: string; stderr?: string }) => {
            throw new Error(`${page}:${example.line} failed: ${err.stderr ?? ''}${err.stdout ?? ''}`);
          },
        );
        expect(compare(example, stdout), `${page}:${example.line}\n${example.script}`).toBeUndefined();
      });
    }
  });
}
