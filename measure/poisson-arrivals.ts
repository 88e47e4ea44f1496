/** Arrival times of a Poisson process (MLPerf's Server scenario), seeded so a run repeats. */
import type { Random } from "./random.ts";

/**
 * `count` arrival times, ms from 0, of a Poisson process at `ratePerS` arrivals per second:
 * exponential gaps −ln(1 − u) / rate (u uniform in [0, 1), so the log never sees 0).
 */
export function poissonArrivals(ratePerS: number, count: number, random: Random): number[] {
  if (!(ratePerS > 0) || !Number.isFinite(ratePerS)) throw new Error(`arrival rate must be a positive number of requests per second; got ${ratePerS}`);
  if (!Number.isInteger(count) || count < 0) throw new Error(`arrival count must be a whole number >= 0; got ${count}`);
  const meanGapMs = 1000 / ratePerS;
  const out: number[] = [];
  let t = 0;
  for (let i = 0; i < count; i++) {
    t += -Math.log(1 - random()) * meanGapMs;
    out.push(t);
  }
  return out;
}
