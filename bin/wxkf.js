#!/usr/bin/env node
// The `wxkf` command. In a checkout of the repository it builds first when the sources are newer
// than dist/ (so `npx wxkf` works before any build); an installed package ships dist/ built.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/src/cli.js', import.meta.url);
const builder = new URL('../scripts/build-if-stale.mjs', import.meta.url);
if (existsSync(new URL('../src/cli.ts', import.meta.url)) && existsSync(builder)) {
  const r = spawnSync(process.execPath, [fileURLToPath(builder)], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: ['ignore', 2, 2],
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
if (!existsSync(cli)) {
  process.stderr.write('wxkf: dist/src/cli.js is missing: run `npm run build` in the wxkf folder\n');
  process.exit(1);
}
await import(cli.href);
