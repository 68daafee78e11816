import { existsSync, readFileSync } from 'node:fs';

/** This package's folder and version, from its package.json (found above this file, built or not). */
function findPackage(): { root: URL | undefined; version: string } {
  for (let dir = new URL('.', import.meta.url); dir.pathname !== '/'; dir = new URL('..', dir)) {
    const file = new URL('package.json', dir);
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'wxkf') return { root: dir, version: pkg.version ?? 'unknown' };
    }
  }
  return { root: undefined, version: 'unknown' };
}

const found = findPackage();
export const VERSION = found.version;
/** The built console's folder (`npm run build` makes it), or undefined outside a package. */
export const CONSOLE_DIR = found.root ? new URL('dist/console/', found.root) : undefined;
