import type { Clock } from '../../platform/clock.js';
import type { Random } from '../../platform/random.js';
import type { FaultRecord, Store } from '../../store/store.js';
import { AdminError, appOr404 } from '../admin/errors.js';
import { candidates, checkFault, type FaultInput } from './rules.js';

/** A fault that fired on a call: what the pipeline answers and waits. */
export interface FiredFault {
  id: number;
  errcode: number | null;
  errmsg: string | null;
  delay_ms: number | null;
}

/**
 * Faults, as a node sees them: a copy of the list, read back from the store every `pollMs` and at
 * once after a change on this node, so a call with no fault to match costs nothing. Firing asks
 * the store (one statement), so a count holds across nodes and a deleted fault fires nowhere.
 */
export class FaultsService {
  private cached: FaultRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Counts fired faults (the metrics read it). */
  onFired: (f: FaultRecord) => void = () => undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly served: ReadonlyMap<string, string>,
  ) {}

  async refresh(): Promise<void> {
    this.cached = await this.store.listFaults();
  }

  start(pollMs: number, onError: (err: unknown) => void): void {
    this.timer = setInterval(() => this.refresh().catch(onError), pollMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private roll = (): number => this.random.bytes(4).readUInt32BE(0) / 0x1_0000_0000;

  /** The fault that answers or delays this call, if one fires. */
  fire(iface: string, appid: string | null): Promise<FiredFault | undefined> | undefined {
    if (this.cached.length === 0 || !this.cached.some((f) => this.served.get(f.path) === iface && f.appid === appid))
      return undefined;
    return this.fireOne(iface, appid);
  }

  private async fireOne(iface: string, appid: string | null): Promise<FiredFault | undefined> {
    for (const f of candidates(this.cached, iface, appid, this.roll, (path) => this.served.get(path))) {
      const fired = await this.store.fireFault(f.id);
      if (!fired) continue;
      this.onFired(fired);
      return { id: fired.id, errcode: fired.errcode, errmsg: fired.errmsg, delay_ms: fired.delay_ms };
    }
    return undefined;
  }

  async create(input: FaultInput): Promise<FaultRecord> {
    if (input.appid !== undefined) await appOr404(this.store, input.appid);
    const fault = checkFault(input, this.served, this.clock.now());
    if (typeof fault === 'string') throw new AdminError(400, fault);
    const made = await this.store.createFault(fault);
    await this.refresh();
    return made;
  }

  async list(): Promise<FaultRecord[]> {
    await this.refresh();
    return this.cached;
  }

  async delete(id: number): Promise<void> {
    if (!(await this.store.deleteFault(id))) throw new AdminError(404, `id: no fault ${id}`);
    await this.refresh();
  }
}

/** A fault as the admin API shows it. */
export function faultView(f: FaultRecord) {
  const { created_at: _created, ...rest } = f;
  return rest;
}
