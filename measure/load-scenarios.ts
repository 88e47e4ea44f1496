/**
 * MLPerf's Offline and Server scenarios over an abstract {@link LoadTarget} (an onnxruntime
 * session, a pool of sessions, or a fake with a known service time) on a {@link LoadClock}.
 * Offline keeps `inFlight` requests outstanding (a closed loop) and counts completions per
 * second; Server issues requests at Poisson arrival times whatever is outstanding (an open
 * loop) and times each from its arrival, so queueing counts in its latency.
 */
import type { LoadClock } from "./load-clock.ts";
import { poissonArrivals } from "./poisson-arrivals.ts";
import { seededRandom } from "./random.ts";

/** What a scenario sends requests to: each call is one inference of one batch. */
export interface LoadTarget {
  run(): Promise<void>;
}

/** How long an Offline measurement runs. */
export interface OfflineSettings {
  /** Requests kept outstanding (≥ 1). */
  readonly inFlight: number;
  /** Issue new requests until this much time has passed, ms… */
  readonly durationMs: number;
  /** …and at least this many completed (default 1). */
  readonly minRequests?: number;
}

/** One Offline measurement. */
export interface OfflineResult {
  readonly inFlight: number;
  /** Requests completed. */
  readonly requests: number;
  /** From the first issue to the last completion, ms. */
  readonly elapsedMs: number;
  /** requests ÷ elapsed, per second (multiply by the batch for images/s). */
  readonly requestsPerS: number;
  /** Each request's time from issue to completion, ms, in completion order. */
  readonly latenciesMs: number[];
}

function checkInFlight(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new Error(`requests in flight must be a whole number >= 1; got ${n}`);
}

/** Offline: `inFlight` workers each issue a request as soon as their last one completes. */
export async function runOffline(target: LoadTarget, settings: OfflineSettings, clock: LoadClock): Promise<OfflineResult> {
  checkInFlight(settings.inFlight);
  const minRequests = settings.minRequests ?? 1;
  const start = clock.now();
  const latenciesMs: number[] = [];
  let issued = 0;
  const more = () => clock.now() - start < settings.durationMs || issued < minRequests;
  const worker = async () => {
    while (more()) {
      issued++;
      const t0 = clock.now();
      await target.run();
      latenciesMs.push(clock.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: settings.inFlight }, worker));
  const elapsedMs = clock.now() - start;
  return {
    inFlight: settings.inFlight,
    requests: latenciesMs.length,
    elapsedMs,
    requestsPerS: elapsedMs > 0 ? (1000 * latenciesMs.length) / elapsedMs : Infinity,
    latenciesMs,
  };
}

/** One Server measurement's arrivals. */
export interface ServerSettings {
  /** Offered load: Poisson arrivals per second. */
  readonly ratePerS: number;
  /** Requests to issue. */
  readonly queries: number;
  /** Seed of the arrival times. */
  readonly seed: number;
}

/** One Server measurement. */
export interface ServerResult {
  readonly ratePerS: number;
  /** Each request's time from its scheduled arrival to its completion, ms, in arrival order. */
  readonly latenciesMs: number[];
  /** From the start to the last completion, ms. */
  readonly elapsedMs: number;
  /** Requests completed per second over {@link elapsedMs}. */
  readonly completedPerS: number;
}

/**
 * Server: request i is issued at its Poisson arrival time (late ones, after a timer woke
 * late or the thread was busy, are issued at once) and timed from that scheduled time.
 */
export async function runServer(target: LoadTarget, settings: ServerSettings, clock: LoadClock): Promise<ServerResult> {
  const arrivals = poissonArrivals(settings.ratePerS, settings.queries, seededRandom(settings.seed));
  const latenciesMs = new Array<number>(arrivals.length).fill(Number.NaN);
  const start = clock.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < arrivals.length; i++) {
    const due = start + arrivals[i]!;
    const wait = due - clock.now();
    if (wait > 0) await clock.sleep(wait);
    pending.push(
      target.run().then(() => {
        latenciesMs[i] = clock.now() - due;
      }),
    );
  }
  await Promise.all(pending);
  const elapsedMs = clock.now() - start;
  return { ratePerS: settings.ratePerS, latenciesMs, elapsedMs, completedPerS: elapsedMs > 0 ? (1000 * arrivals.length) / elapsedMs : Infinity };
}
