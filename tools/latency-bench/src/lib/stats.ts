/** Nearest-rank percentile (p in 0–100) of unsorted samples; undefined when there are none. */
export function percentile(samples: readonly number[], p: number): number | undefined {
  if (samples.length === 0) return undefined;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

export interface LatencySummary {
  count: number;
  p50?: number;
  p95?: number;
  p99?: number;
  min?: number;
  max?: number;
  mean?: number;
}

export function summarise(samples: readonly number[]): LatencySummary {
  if (samples.length === 0) return { count: 0 };
  const p = (q: number) => percentile(samples, q) as number;
  return {
    count: samples.length,
    p50: p(50),
    p95: p(95),
    p99: p(99),
    min: Math.min(...samples),
    max: Math.max(...samples),
    mean: Math.round((samples.reduce((sum, s) => sum + s, 0) / samples.length) * 10) / 10,
  };
}

/** One change: when Manage fired its callback and when Hudu saw the write carrying the change's marker. */
export interface Measurement {
  marker: string;
  firedAt?: number;
  observedAt?: number;
}

/** Latencies (ms) of the complete measurements, and the markers that never made it. */
export function latencies(measurements: readonly Measurement[]): { samples: number[]; missing: string[] } {
  const samples: number[] = [];
  const missing: string[] = [];
  for (const m of measurements) {
    if (m.firedAt === undefined || m.observedAt === undefined) missing.push(m.marker);
    else samples.push(m.observedAt - m.firedAt);
  }
  return { samples, missing };
}
