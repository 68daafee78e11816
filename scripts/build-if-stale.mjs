// npm start builds only when the sources are newer than the build: a start is quick, and a build
// never rewrites dist/ under a server (or a test) that is running from it.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newest(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((f) => newest(join(path, f))));
}

const built = 'dist/src/cli.js';
const sources = Math.max(
  newest('src'),
  newest('console'),
  newest('tsconfig.json'),
  newest('tsconfig.build.json'),
  newest('package.json'),
);
if (!existsSync(built) || !existsSync('dist/console/index.html') || statSync(built).mtimeMs < sources) {
  const r = spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
