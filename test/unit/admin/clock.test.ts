import { describe, expect, it } from 'vitest';
import { CLOCK_META_KEY, DeploymentState } from '../../../src/domains/admin/deployment.js';
import { DeploymentClock, FakeClock } from '../../../src/platform/clock.js';
import { openSqliteStore } from '../../../src/store/sqlite.js';
import type { Store } from '../../../src/store/store.js';

describe('the deployment clock read back from the store', () => {
  it('a read-back that overlapped a move on this node does not undo the move', async () => {
    const store = openSqliteStore(':memory:');
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let holdNext = false;
    const slow: Store = {
      ...store,
      getMeta: async (key) => {
        const value = await store.getMeta(key);
        if (key === CLOCK_META_KEY && holdNext) {
          holdNext = false;
          await held;
        }
        return value;
      },
    };
    const clock = new DeploymentClock(new FakeClock(Date.UTC(2026, 0, 1)));
    const admin = new DeploymentState(slow, clock);
    await admin.moveClock({ freeze: true });
    const frozenAt = admin.clockView().now;
    holdNext = true;
    const reading = admin.load(); // reads the state before the move below, and is held
    await admin.moveClock({ advance: 3600 });
    release();
    await reading;
    expect(admin.clockView().now).toBe(frozenAt + 3600);
    await admin.load();
    expect(admin.clockView().now).toBe(frozenAt + 3600);
    await store.close();
  });
});
