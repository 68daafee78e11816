import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/** The lint rule that holds docs/architecture.md's import table: each forbidden edge is refused. */
const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname });

async function refused(filePath: string, code: string): Promise<boolean> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).some((m) => m.ruleId === 'no-restricted-imports');
}

describe('parts and their imports', () => {
  it.each([
    ['src/wire/x.ts', "import { Store } from '../store/store.js';"],
    ['src/wire/x.ts', "import { SystemClock } from '../platform/clock.js';"],
    ['src/wire/x.ts', "import Fastify from 'fastify';"],
    ['src/store/x.ts', "import { KF_ADD_RULE } from '../domains/kf/rules.js';"],
    ['src/store/areas/x.ts', "import { Journal } from '../../pipeline/journal.js';"],
    ['src/pipeline/x.ts', "import { QuotaService } from '../domains/quota/service.js';"],
    ['src/domains/kf/x.ts', "import { buildApp } from '../../app.js';"],
    ['src/platform/x.ts', "import { sqlStore } from '../store/sql-store.js';"],
    ['console/src/x.tsx', "import { ERR } from '../../src/wire/errcodes.js';"],
  ])('%s may not: %s', async (file, code) => {
    expect(await refused(file, `${code}\nexport {};\n`)).toBe(true);
  });

  it.each([
    ['src/domains/kf/x.ts', "import { registerWechatEndpoint } from '../../pipeline/endpoint.js';"],
    ['src/pipeline/x.ts', "import type { Store } from '../store/store.js';"],
    ['src/store/x.ts', "import { chinaDay } from '../platform/china-time.js';"],
    ['src/app.ts', "import { KfService } from './domains/kf/service.js';"],
    ['console/src/x.tsx', "import { render } from 'preact';"],
  ])('%s may: %s', async (file, code) => {
    expect(await refused(file, `${code}\nexport {};\n`)).toBe(false);
  });
});
