/** The one source of time. Milliseconds since the Unix epoch. */
export interface Clock {
  now(): number;
}

export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }
}

/** A clock tests set and advance by hand. */
export class FakeClock implements Clock {
  constructor(private ms: number = Date.UTC(2026, 0, 1)) {}
  now(): number {
    return this.ms;
  }
  set(ms: number): void {
    this.ms = ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** The deployment clock's state, kept in the store so every node sees the same time. */
export interface ClockState {
  offsetMs: number;
  frozenAtMs: number | null;
}

export const REAL_TIME: ClockState = { offsetMs: 0, frozenAtMs: null };

/**
 * Real time plus an offset, or frozen. Reads are synchronous (a rid needs the time before any
 * I/O), so each node holds the state in memory and is told when it changes.
 */
export class DeploymentClock implements Clock {
  private state: ClockState = REAL_TIME;
  constructor(private readonly base: Clock) {}

  now(): number {
    return this.state.frozenAtMs ?? this.base.now() + this.state.offsetMs;
  }
  baseNow(): number {
    return this.base.now();
  }
  current(): ClockState {
    return this.state;
  }
  apply(state: ClockState): void {
    this.state = { offsetMs: state.offsetMs, frozenAtMs: state.frozenAtMs };
  }
}

/** The state that makes a deployment clock read `targetMs` now (keeping it frozen if it was). */
export function clockStateAt(current: ClockState, baseNowMs: number, targetMs: number): ClockState {
  if (current.frozenAtMs !== null) return { offsetMs: targetMs - baseNowMs, frozenAtMs: targetMs };
  return { offsetMs: targetMs - baseNowMs, frozenAtMs: null };
}
