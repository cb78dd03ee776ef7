import { createHash } from 'node:crypto';

/**
 * The request budget of one Hudu API key: at most `perWindow` requests in each fixed window of
 * `windowMs`, windows aligned to the epoch like Hudu's throttle (Rack::Attack counts per
 * `floor(now / period)`). A window that starts at the first call instead (a rolling token bucket, or
 * rate-limiter-flexible's memory limiter) can put up to twice the limit into one of Hudu's windows.
 *
 * Callers queue in order; a caller that finds the window spent waits for the next one. After a 429 the
 * whole key pauses until the time the server (or the window) says, so other calls do not hammer it.
 */
export interface BudgetSettings {
  /** Requests per window; Hudu documents 300 per minute. */
  perWindow: number;
  /** Window length in ms; 60 000 for Hudu. */
  windowMs: number;
}

export const DEFAULT_BUDGET: BudgetSettings = { perWindow: 300, windowMs: 60_000 };

export interface BudgetStats {
  /** Requests let through. */
  granted: number;
  /** Requests that had to wait for budget. */
  waited: number;
  /** Total time spent waiting for budget, in ms. */
  waitedMs: number;
}

export class RequestBudget {
  private window = -1;
  private used = 0;
  private pausedUntil = 0;
  private readonly queue: Array<{ enqueuedAt: number; resolve: (waitedMs: number) => void }> = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly counters: BudgetStats = { granted: 0, waited: 0, waitedMs: 0 };

  private current: BudgetSettings;

  constructor(
    settings: BudgetSettings,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.current = checked(settings);
  }

  get settings(): BudgetSettings {
    return this.current;
  }

  /** Changes the limit (an admin raised or lowered it); calls waiting are let through under the new one. */
  reconfigure(settings: BudgetSettings) {
    const next = checked(settings);
    if (next.perWindow === this.current.perWindow && next.windowMs === this.current.windowMs) return;
    this.current = next;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.pump();
  }

  /** Resolves with the ms waited once the call may be sent. */
  take(): Promise<number> {
    return new Promise((resolve) => {
      this.queue.push({ enqueuedAt: this.now(), resolve });
      this.pump();
    });
  }

  /** No call of this key goes out before `until` (epoch ms). */
  pauseUntil(until: number) {
    if (until <= this.pausedUntil) return;
    this.pausedUntil = until;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.pump();
  }

  /** Start of the window after the current one (epoch ms). */
  nextWindowStart(at = this.now()) {
    return (Math.floor(at / this.settings.windowMs) + 1) * this.settings.windowMs;
  }

  stats(): BudgetStats {
    return { ...this.counters };
  }

  get pending() {
    return this.queue.length;
  }

  private pump() {
    if (this.timer) return;
    while (this.queue.length > 0) {
      const now = this.now();
      if (now < this.pausedUntil) return this.wake(this.pausedUntil - now);
      const window = Math.floor(now / this.settings.windowMs);
      if (window !== this.window) {
        this.window = window;
        this.used = 0;
      }
      if (this.used >= this.settings.perWindow) return this.wake(this.nextWindowStart(now) - now);
      this.used += 1;
      const next = this.queue.shift();
      if (!next) return;
      const waitedMs = Math.max(0, now - next.enqueuedAt);
      this.counters.granted += 1;
      if (waitedMs > 0) {
        this.counters.waited += 1;
        this.counters.waitedMs += waitedMs;
      }
      next.resolve(waitedMs);
    }
  }

  private wake(afterMs: number) {
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.pump();
      },
      Math.max(1, afterMs),
    );
  }
}

function checked(settings: BudgetSettings): BudgetSettings {
  if (!(settings.perWindow >= 1) || !(settings.windowMs > 0)) {
    throw new Error('A Hudu request budget needs perWindow >= 1 and windowMs > 0');
  }
  return { perWindow: settings.perWindow, windowMs: settings.windowMs };
}

const budgets = new Map<string, RequestBudget>();

/** Budgets are per Hudu instance and key; the key itself is only kept as a hash. */
const budgetId = (origin: string, apiKey: string) =>
  createHash('sha256').update(`${origin}\n${apiKey}`).digest('hex');

/**
 * The process-wide budget of a key: every client instance using the same key on the same Hudu shares it.
 * A caller that names a limit sets it for every client of the key (the limit is a property of the key, set
 * by the admin; the newest setting holds); one that names none uses the key's current limit (default 300/min).
 */
export function sharedBudget(origin: string, apiKey: string, settings?: BudgetSettings): RequestBudget {
  const id = budgetId(origin, apiKey);
  let budget = budgets.get(id);
  if (!budget) {
    budget = new RequestBudget(settings ?? DEFAULT_BUDGET);
    budgets.set(id, budget);
  } else if (settings) {
    budget.reconfigure(settings);
  }
  return budget;
}

/** Forgets every shared budget (tests). */
export function resetSharedBudgets() {
  budgets.clear();
}
