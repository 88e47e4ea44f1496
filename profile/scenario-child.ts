/**
 * The scenario job of a measuring child (`child-main.ts` calls {@link runScenarioJob}):
 * MLPerf's Offline and Server scenarios on every precision of one model on one EP, per batch.
 * - Offline, two ways of keeping N requests in flight: `requests` (N concurrent `run` calls on
 *   one session) and `sessions` (N worker threads, each with its own session, one request
 *   each), N = 1, 2, 4, … until no precision's throughput rises (`sweepInFlightMany`); at each
 *   N the precisions take turns in short blocks (A B B A, `cycleOrder`), so their throughput
 *   ratio is paired as the single-stream speedups are.
 * - Server: Poisson arrivals on one session (requests queue behind the one in progress),
 *   latency from arrival; the highest rate whose p99 stays under the bound by loadgen's
 *   early-stopping rule (`searchMaxRate`, `earlyStoppingVerdict`).
 */
import { Worker } from "node:worker_threads";
import {
  cycleOrder,
  earlyStoppingPercentile,
  earlyStoppingVerdict,
  pairedSpeedup,
  percentile,
  realClock,
  runOffline,
  runServer,
  saturationPoint,
  searchMaxRate,
  seededRandom,
  sweepInFlightMany,
  type BlockMedian,
} from "../measure/index.ts";
import type { ScenarioJob } from "./child-protocol.ts";
import { sendToParent } from "./child-runtime.ts";
import { EpCannotStart } from "./ep-session.ts";
import type { NodeSessionHost } from "./node-session.ts";
import { openNodeHost } from "./node-child-host.ts";
import { openScenarioSession, sessionTarget, warmUp, type ScenarioSession } from "./scenario-session.ts";
import type { ScenarioWorkerData, ScenarioWorkerReply, ScenarioWorkerRequest } from "./scenario-worker.ts";
import type { OfflineMode, ScenarioBatchResult, ScenarioSettings } from "../formats/run/scenario-schema.ts";

const WORKER_URL = new URL("./scenario-worker.ts", import.meta.url).href;

/**
 * A worker thread does not inherit the `--import tsx` loader its process was started with,
 * so it registers tsx's ESM hooks itself before importing the TypeScript entry.
 */
function workerSource(): string {
  const api = import.meta.resolve("tsx/esm/api");
  return `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL)}); })`;
}

/** One block's count: requests completed in the wall time they took, and each one's latency. */
interface Block {
  readonly requests: number;
  readonly elapsedMs: number;
  readonly latenciesMs: readonly number[];
}

/** A worker thread holding its own session of every precision. */
class SessionWorker {
  private readonly worker: Worker;
  private waiting: ((reply: ScenarioWorkerReply) => void) | undefined;
  readonly ready: Promise<void>;

  constructor(data: ScenarioWorkerData) {
    this.worker = new Worker(workerSource(), { eval: true, workerData: data });
    this.worker.on("message", (reply: ScenarioWorkerReply) => this.waiting?.(reply));
    this.worker.on("error", (e) => this.waiting?.({ type: "error", message: e.message }));
    this.ready = this.next().then((r) => {
      if (r.type === "error") throw new Error(`session worker failed to start: ${r.message}`);
    });
  }

  private next(): Promise<ScenarioWorkerReply> {
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  async block(variant: string, batchIndex: number, durationMs: number): Promise<Block> {
    const reply = this.next();
    this.worker.postMessage({ type: "block", variant, batchIndex, durationMs } satisfies ScenarioWorkerRequest);
    const r = await reply;
    if (r.type !== "block") throw new Error(r.type === "error" ? r.message : `unexpected worker reply ${r.type}`);
    return r;
  }

  async close(): Promise<void> {
    this.worker.postMessage({ type: "close" } satisfies ScenarioWorkerRequest);
    await new Promise((resolve) => {
      this.worker.once("exit", resolve);
      setTimeout(() => void this.worker.terminate().then(resolve), 5000).unref();
    });
  }
}

/** Times one block of `name` at `inFlight` requests in flight. */
export type BlockFn = (name: string, inFlight: number, durationMs: number) => Promise<Block>;

/**
 * The offline sweep of every live precision at one batch, in one mode: at each in-flight
 * count, `cycles` cycles of blocks in A B B A order; a precision's throughput is its requests
 * over its blocks' time, and its speedup over FP32 is paired by cycle at FP32's saturation point.
 */
export async function offlineSweep(
  mode: OfflineMode,
  live: readonly Pick<ScenarioSession, "name" | "intraOpThreads">[],
  batch: number,
  block: BlockFn,
  s: ScenarioSettings,
  seed: number,
): Promise<Extract<ScenarioBatchResult, { scenario: "offline" }>["variants"]> {
  const random = seededRandom(seed);
  const cycles = Math.max(1, Math.round(s.pointMs / (2 * s.blockMs)));
  const blocksAt = new Map<number, BlockMedian[]>();
  const gains = new Map<string, ReturnType<typeof pairedSpeedup>>();
  const figures = new Map<
    string,
    {
      inFlight: number;
      requests: number;
      elapsedMs: number;
      p50Ms: number;
      p99Ms: number;
      earlyStoppingP90Ms: number | null;
      earlyStoppingP99Ms: number | null;
    }[]
  >();
  const sweeps = await sweepInFlightMany(
    async (inFlight) => {
      const acc = live.map(() => ({ requests: 0, elapsedMs: 0, latencies: [] as number[] }));
      const blocks: BlockMedian[] = [];
      // From 2 in flight on, each precision also runs at half as many in the same cycles, so the gain of the doubling is paired.
      const levels = inFlight > 1 ? [inFlight, inFlight / 2] : [inFlight];
      const items = live.flatMap((v, i) => levels.map((n) => ({ i, n })));
      const halfBlocks: BlockMedian[] = [];
      for (let cycle = 0; cycle < cycles; cycle++) {
        for (const k of cycleOrder(items.length, random)) {
          const { i, n } = items[k]!;
          const b = await block(live[i]!.name, n, s.blockMs);
          if (b.requests === 0) continue;
          halfBlocks.push({ round: 1, cycle, variant: `${live[i]!.name}@${n}`, runs: b.requests, medianMs: b.elapsedMs / b.requests });
          if (n !== inFlight) continue;
          const a = acc[i]!;
          a.requests += b.requests;
          a.elapsedMs += b.elapsedMs;
          a.latencies.push(...b.latenciesMs);
          blocks.push({ round: 1, cycle, variant: live[i]!.name, runs: b.requests, medianMs: b.elapsedMs / b.requests });
        }
      }
      blocksAt.set(inFlight, blocks);
      if (inFlight > 1)
        for (const v of live) gains.set(`${v.name}@${inFlight}`, pairedSpeedup(halfBlocks, `${v.name}@${inFlight / 2}`, `${v.name}@${inFlight}`));
      return acc.map((a, i) => {
        const sorted = a.latencies.sort((x, y) => x - y);
        const list = figures.get(live[i]!.name) ?? [];
        list.push({
          inFlight,
          requests: a.requests,
          elapsedMs: a.elapsedMs,
          p50Ms: percentile(sorted, 50),
          p99Ms: percentile(sorted, 99),
          earlyStoppingP90Ms: earlyStoppingPercentile(sorted, 0.9, s.confidence).estimateMs,
          earlyStoppingP99Ms: earlyStoppingPercentile(sorted, 0.99, s.confidence).estimateMs,
        });
        figures.set(live[i]!.name, list);
        return a.elapsedMs > 0 ? (1000 * a.requests) / a.elapsedMs : 0;
      });
    },
    { maxInFlight: s.maxInFlight, minGain: s.minGain },
  );
  const fp32 = live.findIndex((v) => v.name === "fp32");
  const fp32Best = fp32 >= 0 ? saturationPoint(sweeps[fp32]!.points, s.minGain).inFlight : undefined;
  return live.map((v, i) => {
    const sweep = sweeps[i]!;
    const points = sweep.points.map((p, k) => {
      const f = figures.get(v.name)![k]!;
      return {
        inFlight: p.inFlight,
        requests: f.requests,
        requestsPerS: p.requestsPerS,
        imagesPerS: p.requestsPerS * batch,
        p50Ms: f.p50Ms,
        p99Ms: f.p99Ms,
        earlyStoppingP90Ms: f.earlyStoppingP90Ms,
        earlyStoppingP99Ms: f.earlyStoppingP99Ms,
        ...gainOf(gains.get(`${v.name}@${p.inFlight}`)),
      };
    });
    const speedup = fp32Best !== undefined && v.name !== "fp32" ? pairedSpeedup(blocksAt.get(fp32Best) ?? [], "fp32", v.name) : null;
    return {
      name: v.name,
      mode,
      points,
      bestInFlight: sweep.best.inFlight,
      bestImagesPerS: sweep.best.requestsPerS * batch,
      ...(speedup && fp32Best !== undefined
        ? {
            vsFp32: {
              speedup: speedup.speedup,
              ci95: [speedup.ci95[0], speedup.ci95[1]] as [number, number],
              pairs: speedup.pairs,
              verdict: speedup.verdict,
              inFlight: fp32Best,
            },
          }
        : {}),
      intraOpThreads: v.intraOpThreads,
    };
  });
}

/** A paired gain as a point's `gainOverHalf` (nothing when there is none). */
function gainOf(g: ReturnType<typeof pairedSpeedup> | undefined) {
  return g ? { gainOverHalf: { speedup: g.speedup, ci95: [g.ci95[0], g.ci95[1]] as [number, number], pairs: g.pairs, verdict: g.verdict } } : {};
}

/** `requests` mode: N concurrent `run` calls on the child's own session. */
function requestsBlock(live: readonly ScenarioSession[], batchIndex: number): BlockFn {
  return async (name, inFlight, durationMs) => {
    const s = live.find((v) => v.name === name)!;
    return runOffline(sessionTarget(s, batchIndex), { inFlight, durationMs }, realClock);
  };
}

/** `sessions` mode: N worker threads, each running its own session back to back; started as the sweep needs them. */
function sessionsBlock(workers: SessionWorker[], data: ScenarioWorkerData, batchIndex: number): BlockFn {
  return async (name, inFlight, durationMs) => {
    while (workers.length < inFlight) workers.push(new SessionWorker(data));
    await Promise.all(workers.map((w) => w.ready));
    const t0 = performance.now();
    const blocks = await Promise.all(workers.slice(0, inFlight).map((w) => w.block(name, batchIndex, durationMs)));
    return { requests: blocks.reduce((n, b) => n + b.requests, 0), elapsedMs: performance.now() - t0, latenciesMs: blocks.flatMap((b) => b.latenciesMs) };
  };
}

/** The server search of one precision at one batch (one session, requests queue behind the one running). */
async function serverSearch(
  v: ScenarioSession,
  batchIndex: number,
  batch: number,
  s: ScenarioSettings,
  seed: number,
): Promise<Extract<ScenarioBatchResult, { scenario: "server" }>["variants"][number]> {
  const target = sessionTarget(v, batchIndex);
  // One request's time alone sets the first rate tried (half the rate one session could serve back to back).
  const alone = await runOffline(target, { inFlight: 1, durationMs: Math.min(s.trialMs, 200), minRequests: 5 }, realClock);
  const aloneMs = percentile(
    [...alone.latenciesMs].sort((a, b) => a - b),
    50,
  );
  const trials: Extract<ScenarioBatchResult, { scenario: "server" }>["variants"][number]["trials"] = [];
  const head = { name: v.name, latencyBoundMs: s.latencyBoundMs };
  // No rate can pass when one request alone takes longer than the bound.
  if (aloneMs > s.latencyBoundMs) return { ...head, trials, maxRatePerS: 0, maxImagesPerS: 0, converged: true };
  // A trial at a very low rate would take minQueries / rate seconds: rates below this floor count as failing unmeasured.
  const floorPerS = s.minQueries / ((20 * s.trialMs) / 1000);
  const search = await searchMaxRate(
    async (ratePerS) => {
      if (ratePerS < floorPerS) return false;
      const queries = Math.max(s.minQueries, Math.round((ratePerS * s.trialMs) / 1000));
      const run = await runServer(target, { ratePerS, queries, seed: seed + trials.length }, realClock);
      const sorted = [...run.latenciesMs].sort((a, b) => a - b);
      const verdict = earlyStoppingVerdict(run.latenciesMs, s.latencyBoundMs, s.percentile, s.confidence);
      trials.push({
        ratePerS,
        queries,
        p50Ms: percentile(sorted, 50),
        p90Ms: percentile(sorted, 90),
        p99Ms: percentile(sorted, 99),
        earlyStoppingP90Ms: earlyStoppingPercentile(run.latenciesMs, 0.9, s.confidence).estimateMs,
        earlyStoppingP99Ms: earlyStoppingPercentile(run.latenciesMs, 0.99, s.confidence).estimateMs,
        overBound: verdict.overBound,
        neededQueries: verdict.neededQueries,
        passes: verdict.passes,
      });
      return verdict.passes;
    },
    { startRatePerS: 500 / Math.max(aloneMs, 1e-3), relTolerance: s.rateTolerance, maxTrials: s.maxTrials },
  );
  return { ...head, trials, maxRatePerS: search.maxRatePerS, maxImagesPerS: search.maxRatePerS * batch, converged: search.converged };
}

/** Opens every precision's session; a precision that fails is reported and left out. */
async function openAll(
  job: ScenarioJob,
  host: NodeSessionHost,
): Promise<{ sessions: ScenarioSession[]; errors: { name: string; error: string }[] } | undefined> {
  const sessions: ScenarioSession[] = [];
  const errors: { name: string; error: string }[] = [];
  for (const v of job.variants) {
    try {
      sessions.push(await openScenarioSession(v, host));
    } catch (e) {
      if (e instanceof EpCannotStart) {
        for (const s of sessions) await s.session.release();
        await sendToParent({ type: "cannot-start", reason: e.reason, fix: e.fix });
        return undefined;
      }
      errors.push({ name: v.name, error: (e as Error).message });
    }
  }
  return { sessions, errors };
}

/** Runs a scenario job: per batch, one `scenario-batch` message (or `batch-error`). */
export async function runScenarioJob(job: ScenarioJob): Promise<void> {
  const opened = await openAll(job, await openNodeHost(job.ep));
  if (!opened) return;
  const { sessions, errors } = opened;
  const workers: SessionWorker[] = [];
  try {
    for (const [b, batch] of job.batches.entries()) {
      try {
        const live = sessions.filter((v) => v.feeds[b]);
        for (const v of live) await warmUp(sessionTarget(v, b), job.settings.warmupMs);
        let result: ScenarioBatchResult;
        if (job.scenario === "offline") {
          const data: ScenarioWorkerData = {
            ep: job.ep,
            variants: job.variants.filter((v) => live.some((l) => l.name === v.name)),
            warmupMs: job.settings.warmupMs,
          };
          const byRequests = await offlineSweep("requests", live, batch, requestsBlock(live, b), job.settings, job.seed + b);
          // An EP whose sessions cannot live in worker threads keeps its requests-mode rows.
          let bySessions: typeof byRequests = [];
          const modeErrors: Extract<ScenarioBatchResult, { scenario: "offline" }>["errors"] = [];
          try {
            bySessions = await offlineSweep("sessions", live, batch, sessionsBlock(workers, data, b), job.settings, job.seed + 100 + b);
          } catch (e) {
            for (const v of live) modeErrors.push({ name: v.name, mode: "sessions", error: (e as Error).message });
          }
          result = { scenario: "offline", variants: [...byRequests, ...bySessions], errors: [...errors, ...modeErrors] };
          // Workers are started per batch, with the precisions that take it.
          await Promise.all(workers.splice(0).map((w) => w.close()));
        } else {
          const variants = [];
          for (const v of live) variants.push(await serverSearch(v, b, batch, job.settings, job.seed + 1000 * b));
          result = { scenario: "server", variants, errors };
        }
        await sendToParent({ type: "scenario-batch", batch, result });
      } catch (e) {
        await sendToParent({ type: "batch-error", batch, message: (e as Error).message });
      }
    }
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    for (const s of sessions) await s.session.release();
  }
}
