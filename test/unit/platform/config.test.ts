import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, loadConfig, parseForbiddenWords } from '../../../src/platform/config.js';
import { DeploymentClock, FakeClock, clockStateAt } from '../../../src/platform/clock.js';

describe('loadConfig', () => {
  it('no flags and no environment: 127.0.0.1:8080 on ./wxkf.db', () => {
    expect(loadConfig({}, {})).toEqual({ ok: true, config: DEFAULT_CONFIG });
  });
  it('flags win over environment variables', () => {
    const r = loadConfig(
      { port: '9000', db: 'a.db' },
      { WXKF_PORT: '7000', WXKF_DB: 'b.db', WXKF_HOST: '0.0.0.0', WXKF_LOG_LEVEL: 'warn' },
    );
    expect(r).toMatchObject({ ok: true, config: { port: 9000, db: 'a.db', host: '0.0.0.0', logLevel: 'warn' } });
  });
  it('names every problem', () => {
    const r = loadConfig({ port: 'eighty', logLevel: 'loud' }, { WXKF_DATABASE_URL: 'mysql://x', WXKF_ADMIN_TOKEN: 'short' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems).toHaveLength(4);
      expect(r.problems.join(' ')).toMatch(/port.*database-url.*admin-token.*log-level/);
    }
  });
  it('an empty environment variable counts as unset', () => {
    expect(loadConfig({}, { WXKF_PORT: '' })).toMatchObject({ ok: true, config: { port: 8080 } });
  });
});

describe('parseForbiddenWords', () => {
  it('one word a line, lower-cased; blank lines and # comments skipped', () => {
    expect(parseForbiddenWords('# words\nSpam\n\n  广告 \r\n')).toEqual(['spam', '广告']);
  });
});

describe('DeploymentClock', () => {
  it('reads real time plus the offset, or the frozen time', () => {
    const base = new FakeClock(1_000_000);
    const clock = new DeploymentClock(base);
    expect(clock.now()).toBe(1_000_000);
    clock.apply(clockStateAt(clock.current(), base.now(), 5_000_000));
    base.advance(10);
    expect(clock.now()).toBe(5_000_010);
    clock.apply({ offsetMs: 0, frozenAtMs: 42 });
    base.advance(10);
    expect(clock.now()).toBe(42);
    clock.apply(clockStateAt(clock.current(), base.now(), 100));
    expect(clock.now()).toBe(100);
    expect(clock.current().frozenAtMs).toBe(100);
  });
});
