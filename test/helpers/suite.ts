import { afterAll, beforeAll, beforeEach } from 'vitest';
import { AdminClient } from './admin.js';
import { startTarget, type Target } from './target.js';

export interface SuiteContext {
  t: Target;
  admin: AdminClient;
}

/**
 * The frame of every conformance file: one target for the file, its state reset before each test,
 * the clock frozen (or real) and the seed applied; the clock back to real time at the end.
 */
export function conformanceSuite(opts: { freeze?: boolean; seed?: unknown } = {}): SuiteContext {
  const ctx = {} as SuiteContext;
  beforeAll(async () => {
    ctx.t = await startTarget();
    ctx.admin = new AdminClient(ctx.t);
  });
  afterAll(async () => {
    await ctx.admin.clock({ real: true });
    await ctx.t.close();
  });
  beforeEach(async () => {
    await ctx.admin.reset();
    if (opts.freeze) await ctx.admin.freeze();
    else await ctx.admin.clock({ real: true });
    if (opts.seed !== undefined) await ctx.admin.seed(opts.seed);
  });
  return ctx;
}
