/**
 * The Offline sweep (OpenVINO benchmark_app's `-nireq`, onnxruntime perf_test's `-c`):
 * throughput at 1, 2, 4, … requests in flight until it stops rising; the saturation point is
 * the fewest in flight whose throughput is within the gain threshold of the best seen.
 */

/** One point of the sweep. */
export interface InFlightPoint {
  readonly inFlight: number;
  /** Requests per second. */
  readonly requestsPerS: number;
}

/** Sweep settings. */
export interface InFlightSweepOptions {
  /** Largest in-flight count tried (default 64). */
  readonly maxInFlight?: number;
  /** A doubling must raise the best throughput by more than this fraction to go on (default 0.05). */
  readonly minGain?: number;
}

/** The sweep's points and its saturation point. */
export interface InFlightSweep {
  readonly points: InFlightPoint[];
  /** Fewest in flight within `minGain` of the highest throughput measured. */
  readonly best: InFlightPoint;
}

/** Doubles the requests in flight from 1 while a doubling raises throughput by more than `minGain`. */
export async function sweepInFlight(measure: (inFlight: number) => Promise<number>, o: InFlightSweepOptions = {}): Promise<InFlightSweep> {
  const [sweep] = await sweepInFlightMany(async (n) => [await measure(n)], o);
  return sweep!;
}

/**
 * The sweep of several series measured together at each in-flight count (FP32 and INT8,
 * interleaved): `measure(n)` gives one throughput per series, always as many; the sweep goes
 * on while a doubling raises any series' best by more than `minGain`.
 */
export async function sweepInFlightMany(measure: (inFlight: number) => Promise<readonly number[]>, o: InFlightSweepOptions = {}): Promise<InFlightSweep[]> {
  const maxInFlight = o.maxInFlight ?? 64;
  const minGain = o.minGain ?? 0.05;
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1) throw new Error(`maxInFlight must be a whole number >= 1; got ${maxInFlight}`);
  const series: InFlightPoint[][] = [];
  const top: number[] = [];
  for (let n = 1; n <= maxInFlight; n *= 2) {
    const rates = await measure(n);
    let rose = false;
    rates.forEach((requestsPerS, i) => {
      (series[i] ??= []).push({ inFlight: n, requestsPerS });
      if (requestsPerS > (top[i] ?? -Infinity) * (1 + minGain)) rose = true;
      top[i] = Math.max(top[i] ?? -Infinity, requestsPerS);
    });
    if (!rose) break;
  }
  return series.map((points) => ({ points, best: saturationPoint(points, minGain) }));
}

/** The fewest in flight whose throughput is within `minGain` of the highest in `points`. */
export function saturationPoint(points: readonly InFlightPoint[], minGain = 0.05): InFlightPoint {
  const top = Math.max(...points.map((p) => p.requestsPerS));
  const best = [...points].sort((a, b) => a.inFlight - b.inFlight).find((p) => p.requestsPerS * (1 + minGain) >= top);
  if (!best) throw new Error("saturationPoint needs at least one point");
  return best;
}
