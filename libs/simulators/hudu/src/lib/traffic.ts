import { Random } from '@cw-hudu-sync/sample-data';

/** Hudu's throttle (Rack::Attack): a fixed, epoch-aligned window per API key. */
export interface RateLimitSettings {
  /** Requests allowed per window and key. Hudu documents 300 per minute. */
  limit: number;
  /** Window length; 60 000 for Hudu. Tests shorten it so a reset does not take a minute. */
  windowMs: number;
  /** Send `Retry-After` (seconds to the window's end) on 429. Hudu does not document one: off by default. */
  retryAfterHeader: boolean;
}

export const DEFAULT_RATE_LIMIT: RateLimitSettings = {
  limit: 300,
  windowMs: 60_000,
  retryAfterHeader: false,
};

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export class FixedWindowRateLimit {
  private windows = new Map<string, { window: number; count: number }>();

  constructor(
    public settings: RateLimitSettings,
    private readonly now: () => number = Date.now,
  ) {}

  update(settings: Partial<RateLimitSettings>) {
    this.settings = { ...this.settings, ...settings };
    this.windows.clear();
  }

  reset() {
    this.windows.clear();
  }

  /** Counts one request for `key` and says whether it is within the window's limit. Synchronous: exact. */
  hit(key: string): RateDecision {
    const now = this.now();
    const window = Math.floor(now / this.settings.windowMs);
    const entry = this.windows.get(key);
    const current = entry && entry.window === window ? entry : { window, count: 0 };
    current.count += 1;
    this.windows.set(key, current);
    if (current.count <= this.settings.limit) return { allowed: true };
    const msLeft = (window + 1) * this.settings.windowMs - now;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(msLeft / 1000)) };
  }

  /** Requests counted in the current window per key (keys shown as fingerprints, never in full). */
  usage() {
    const window = Math.floor(this.now() / this.settings.windowMs);
    return [...this.windows.entries()]
      .filter(([, entry]) => entry.window === window)
      .map(([key, entry]) => ({ key: fingerprint(key), count: entry.count }));
  }
}

/** Enough of a key to tell keys apart in a test, not enough to use it. */
export const fingerprint = (key: string) => (key === '' ? '(none)' : `${key.slice(0, 2)}…(${key.length})`);

/**
 * A fault applied to API requests (never to `/_sim/*`):
 * - `rate-limit`: answer 429 `Retry later` (a storm, independent of the real window)
 * - `error`: answer `status` (default 500) with Rails' error body
 * - `hang`: never answer (the client's timeout must fire)
 * - `delay`: answer normally after `delayMs`
 */
export interface FaultRule {
  kind: 'rate-limit' | 'error' | 'hang' | 'delay';
  /** How many matching requests it applies to; unlimited when absent. */
  times?: number;
  /** Applies with this probability (seeded, reproducible); always when absent. */
  probability?: number;
  /** Only requests with this method. */
  method?: string;
  /** Only requests whose path (below /api/v1, without query) starts with this. */
  pathPrefix?: string;
  status?: number;
  delayMs?: number;
  /** For `rate-limit`: a Retry-After value to send with the storm's 429s. */
  retryAfterSeconds?: number;
}

interface ActiveFault extends FaultRule {
  applied: number;
}

export class FaultPlan {
  private rules: ActiveFault[] = [];
  private random: Random;

  constructor(
    private readonly seed: number | string = 'hudu-faults',
    rules: FaultRule[] = [],
  ) {
    this.random = new Random(seed);
    this.set(rules);
  }

  set(rules: FaultRule[]) {
    this.rules = rules.map((rule) => ({ ...rule, applied: 0 }));
    this.random = new Random(this.seed);
  }

  add(rules: FaultRule[]) {
    this.rules.push(...rules.map((rule) => ({ ...rule, applied: 0 })));
  }

  list() {
    return this.rules.map((rule) => ({ ...rule }));
  }

  /** The first rule that applies to this request, counted as applied. */
  pick(method: string, path: string): FaultRule | undefined {
    for (const rule of this.rules) {
      if (rule.times !== undefined && rule.applied >= rule.times) continue;
      if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (rule.pathPrefix && !path.startsWith(rule.pathPrefix)) continue;
      if (rule.probability !== undefined && !(this.random.next() < rule.probability)) continue;
      rule.applied += 1;
      return rule;
    }
    return undefined;
  }
}

export interface CounterEntry {
  method: string;
  route: string;
  status: number | 'hang';
  count: number;
}

/** Requests by method, route template and status. Incremented synchronously before a response is sent. */
export class RequestCounters {
  private counts = new Map<string, CounterEntry>();

  record(method: string, route: string, status: number | 'hang') {
    const key = `${method} ${route} ${status}`;
    const entry = this.counts.get(key) ?? { method, route, status, count: 0 };
    entry.count += 1;
    this.counts.set(key, entry);
  }

  reset() {
    this.counts.clear();
  }

  snapshot() {
    const entries = [...this.counts.values()]
      .map((e) => ({ ...e }))
      .sort((a, b) =>
        `${a.route} ${a.method} ${a.status}`.localeCompare(`${b.route} ${b.method} ${b.status}`),
      );
    const byStatus: Record<string, number> = {};
    for (const e of entries) byStatus[String(e.status)] = (byStatus[String(e.status)] ?? 0) + e.count;
    return { total: entries.reduce((sum, e) => sum + e.count, 0), byStatus, entries };
  }
}
