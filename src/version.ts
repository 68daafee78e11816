import { existsSync, readFileSync } from 'node:fs';

/** This package's version, from its package.json (found above this file, built or not). */
function packageVersion(): string {
  for (let dir = new URL('.', import.meta.url); dir.pathname !== '/'; dir = new URL('..', dir)) {
    const file = new URL('package.json', dir);
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'wxkf') return pkg.version ?? 'unknown';
    }
  }
  return 'unknown';
}

export const VERSION = packageVersion();
