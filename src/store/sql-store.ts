import { appsArea } from './areas/apps.js';
import { componentArea } from './areas/component.js';
import { kfArea } from './areas/kf.js';
import { quotaArea } from './areas/quota.js';
import { usersArea } from './areas/users.js';
import { flowArea } from './areas/flow.js';
import { outboxArea } from './areas/outbox.js';
import { pushArea } from './areas/push.js';
import { faultsArea } from './areas/faults.js';
import type { Driver } from './sql/program.js';
import type { Store } from './store.js';

/**
 * The one store implementation: its areas (each the methods of one part of the schema, written
 * once in SQL both dialects read) over a driver, SQLite or PostgreSQL.
 */
export function sqlStore(driver: Driver): Store {
  return {
    kind: driver.kind,
    ping: () => driver.ping(),
    close: () => driver.close(),
    ...appsArea(driver),
    ...kfArea(driver),
    ...quotaArea(driver),
    ...componentArea(driver),
    ...usersArea(driver),
    ...flowArea(driver),
    ...outboxArea(driver),
    ...pushArea(driver),
    ...faultsArea(driver),
  };
}
