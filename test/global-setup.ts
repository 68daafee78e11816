import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * The PostgreSQL tests need a server. .ci/run starts one and exports WXKF_TEST_DATABASE_URL; on a
 * developer's machine `npm test` starts one the same way (scripts/start-postgres.sh). If none can
 * be started, the PostgreSQL tests fail with the reason; they never skip.
 */
export default function setup(): void {
  if (process.env.WXKF_TEST_DATABASE_URL || process.env.WXKF_BASE_URL) return;
  const script = fileURLToPath(new URL('../scripts/start-postgres.sh', import.meta.url));
  try {
    const out = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const url = out.trim().split('\n').at(-1);
    if (url) process.env.WXKF_TEST_DATABASE_URL = url;
  } catch (err) {
    process.stderr.write(`could not start PostgreSQL for the tests: ${(err as Error).message}\n`);
  }
}
