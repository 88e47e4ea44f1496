/**
 * Entry point of a measuring child process (forked by `run-child.ts`): receives one
 * {@link ChildJob} over IPC, runs it, reports {@link ChildMessage}s, exits.
 * - A facts job holds one model file alone, so its peak RSS is that model's own: session
 *   creation, each batch's cold first run and memory, then accuracy and the per-op pass.
 * - A paired job holds every precision of one model at once and times them in interleaved
 *   blocks (`measure/interleave.ts`), each batch in turn.
 *
 * The EP's runner is the built-in one of the job's EP name, or the default export of the
 * job's `childModule` (`EpRunner.childModule`), which also creates the sessions when it
 * has `createSession`.
 *
 * The child ignores SIGINT (Ctrl-C reaches the whole process group): the parent decides,
 * kills it and keeps what finished. It exits if the parent goes away.
 */
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { cpus } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { functionTimer, latencySketch, measureInterleaved, summarizeLatency } from "../measure/index.ts";
import { evaluateAccuracy } from "./accuracy.ts";
import { meteredTimer, openEnergyMeter, type EnergyMeter } from "./energy/index.ts";
import { gpuMemoryUsedMiB, processGpuMemoryMiB } from "./energy/nvidia-smi.ts";
import type { CeilingJob, FactsJob, PairedJob, VariantLatency } from "./child-protocol.ts";
import { climbCeiling } from "./ceilings/ceiling-child.ts";
import type { RowThreads } from "../formats/run/results-schema.ts";
import { childRunner, sendToParent, serveChildJob } from "./child-runtime.ts";
import { defaultEpRegistry } from "./ep-registry.ts";
import type { EpRunner } from "./ep-runner.ts";
import { buildFeeds } from "./input-tensors.ts";
import { intraOpThreadsOf } from "./intra-op-threads.ts";
import { ortDefaultIntraOpThreads, readCpuTopology, type OrtDefaultThreads } from "./cpu-topology.ts";
import { readBackOrtDefaultThreads, withPoolReadBack } from "./ort-thread-readback.ts";
import { interleaveSettings, RSS_RUNS, TIMED_SESSION_OPTIONS } from "./measure-latency.ts";
import { parseOrtTrace } from "./op-profile.ts";
import { ownPeakRssMiB } from "./process-rss.ts";
import { ensureOutputDir } from "../formats/output-dir.ts";

let ortDefaultOnce: Promise<OrtDefaultThreads> | undefined;

/** ORT's default intra-op pool size here: read back from a probe session where the OS shows threads, else predicted from the topology. */
function cpuOrtDefault(): Promise<OrtDefaultThreads> {
  ortDefaultOnce ??= readBackOrtDefaultThreads().then((n) => ortDefaultIntraOpThreads(readCpuTopology(), n));
  return ortDefaultOnce;
}
import { runScenarioJob } from "./scenario-child.ts";

function runnerFor(job: { readonly ep: string; readonly childModule?: string }): Promise<EpRunner> {
  return childRunner(job, defaultEpRegistry().runners);
}

function createSession(path: string, runner: EpRunner, extra: ort.InferenceSession.SessionOptions = {}): Promise<ort.InferenceSession> {
  const options = { ...runner.sessionOptions(), logSeverityLevel: 3 as const, ...extra };
  return runner.createSession ? runner.createSession(path, options) : ort.InferenceSession.create(path, options);
}

/** Creates a session, or reports `cannot-start` and resolves undefined when the EP cannot start here. */
async function startSession(
  path: string,
  runner: EpRunner,
  extra: ort.InferenceSession.SessionOptions = {},
): Promise<{ session: ort.InferenceSession; ms: number } | undefined> {
  const t0 = performance.now();
  try {
    const session = await createSession(path, runner, extra);
    return { session, ms: performance.now() - t0 };
  } catch (e) {
    const explained = runner.explainStartFailure?.(e as Error);
    if (!explained) throw e;
    await sendToParent({ type: "cannot-start", ...explained });
    return undefined;
  }
}

/** This child's GPU memory: its own per-process figure, else the whole device's growth since `before` (MiB per GPU). */
async function childGpuMemory(before: readonly number[]): Promise<{ mib: number; source: "process" | "device-delta" } | undefined> {
  const own = await processGpuMemoryMiB(process.pid);
  if (own !== null) return { mib: own, source: "process" };
  const now = await gpuMemoryUsedMiB();
  if (!now) return undefined;
  return {
    mib: Math.max(
      0,
      now.reduce((s, v, i) => s + v - (before[i] ?? 0), 0),
    ),
    source: "device-delta",
  };
}

async function measureAccuracy(job: FactsJob, session: ort.InferenceSession): Promise<void> {
  const acc = job.accuracy;
  if (!acc) return;
  try {
    const { loadNamedDataset } = await import("../train/datasets/index.ts");
    const name = acc.metadata.dataset;
    const data = await loadNamedDataset(name, { dataDir: acc.dataDir, limit: 0, testLimit: acc.limit, seed: acc.metadata.datasetSeed });
    const result = await evaluateAccuracy(session, data.test, acc.metadata, {
      batch: acc.batch,
      budgetMs: job.measure.accuracyBudgetMs,
      fixedBatch: acc.fixedBatch,
      sourceShape: [data.info.height, data.info.width, data.info.channels],
    });
    await writeFile(acc.predictionsFile, result.predictions);
    await sendToParent({ type: "accuracy", top1: result.top1, count: result.count, dataset: name });
  } catch (e) {
    await sendToParent({ type: "accuracy-error", message: (e as Error).message });
  }
}

async function profileOps(job: FactsJob, runner: EpRunner): Promise<void> {
  const first = job.batches[0];
  if (!first || job.measure.profileIterations <= 0) return;
  await ensureOutputDir(job.traceDir);
  const prefix = join(job.traceDir, `${runner.name}-trace`);
  let session: ort.InferenceSession | undefined;
  try {
    session = await createSession(job.onnxPath, runner, { enableProfiling: true, profileFilePrefix: prefix });
    const feeds = buildFeeds(first);
    const start = performance.now();
    for (let i = 0; i < job.measure.profileIterations + 1; i++) {
      await session.run(feeds);
      if (i > 0 && performance.now() - start > job.measure.profileBudgetMs) break;
    }
    session.endProfiling();
    const files = (await readdir(job.traceDir)).filter((f) => f.startsWith(`${runner.name}-trace`) && f.endsWith(".json"));
    const file = files.sort().pop();
    if (!file) throw new Error(`ORT wrote no profiling trace under ${job.traceDir}`);
    const profile = parseOrtTrace(JSON.parse(await readFile(join(job.traceDir, file), "utf8")));
    await rm(join(job.traceDir, file), { force: true });
    await sendToParent({ type: "ops", batch: first.batch, ops: profile.ops, arena: profile.arena });
  } catch (e) {
    await sendToParent({ type: "ops-error", message: (e as Error).message });
  } finally {
    await session?.release();
  }
}

/** EPs whose model memory lives on a GPU that nvidia-smi may report. */
const GPU_EPS = new Set(["cuda", "webgpu"]);

async function runFacts(job: FactsJob): Promise<void> {
  const runner = await runnerFor(job);
  const baselineRssMiB = ownPeakRssMiB();
  const gpuBefore = GPU_EPS.has(runner.name) ? await gpuMemoryUsedMiB() : null;
  const started = await startSession(job.onnxPath, runner);
  if (!started) return;
  const { session } = started;
  try {
    await sendToParent({ type: "session", sessionCreateMs: started.ms, baselineRssMiB });
    // Each batch's first run is the cold one the user's first inference pays (shader compiles on WebGPU).
    for (const batch of job.batches) {
      try {
        const feeds = buildFeeds(batch);
        const f0 = performance.now();
        await session.run(feeds);
        const firstRunMs = performance.now() - f0;
        for (let i = 0; i < RSS_RUNS && (i + 1) * firstRunMs < 0.1 * job.measure.rowBudgetMs; i++) await session.run(feeds);
        const gpuMemory = gpuBefore ? await childGpuMemory(gpuBefore) : undefined;
        await sendToParent({ type: "batch-facts", batch: batch.batch, firstRunMs, peakRssMiB: ownPeakRssMiB(), ...(gpuMemory ? { gpuMemory } : {}) });
      } catch (e) {
        await sendToParent({ type: "batch-error", batch: batch.batch, message: (e as Error).message });
      }
    }
    await measureAccuracy(job, session);
  } finally {
    await session.release();
  }
  await profileOps(job, runner);
}

async function runPaired(job: PairedJob): Promise<void> {
  const runner = await runnerFor(job);
  const sessions: { name: string; session: ort.InferenceSession; ms: number; feeds: PairedJob["variants"][number]["feeds"]; threads: RowThreads }[] = [];
  let meter: EnergyMeter | undefined;
  try {
    for (const v of job.variants) {
      try {
        const options = { ...TIMED_SESSION_OPTIONS, ...(v.intraOpThreads !== undefined ? { intraOpNumThreads: v.intraOpThreads } : {}) };
        // On the CPU EP the pool ORT made is read back (cpu-topology.ts): never recorded as "0".
        const ortDefault = job.ep === "cpu" ? (job.ortDefault ?? (await cpuOrtDefault())) : undefined;
        const { value: started, poolThreads } = await withPoolReadBack(() => startSession(v.onnxPath, runner, options));
        if (!started) return;
        const threads = {
          ...intraOpThreadsOf({ ...runner.sessionOptions(), ...options }, cpus().length, ortDefault, ortDefault ? poolThreads : null),
          spinning: false,
        };
        sessions.push({ name: v.name, session: started.session, ms: started.ms, feeds: v.feeds, threads });
      } catch (e) {
        await sendToParent({ type: "variant-error", variant: v.name, message: (e as Error).message });
      }
    }
    // Energy (RAPL, nvidia-smi) is read around each block and summed per variant; the idle baseline is measured once (1 s) where readable.
    meter = await openEnergyMeter();
    for (const [b, batch] of job.batches.entries()) {
      try {
        const timers: ReturnType<typeof meteredTimer>[] = [];
        let firstRunMs = 0;
        for (const s of sessions) {
          const spec = s.feeds[b];
          if (!spec || spec.inputs.length === 0) continue; // this precision cannot take this batch (its row says why)
          const feeds = buildFeeds(spec);
          const f0 = performance.now();
          await s.session.run(feeds);
          firstRunMs = Math.max(firstRunMs, performance.now() - f0);
          timers.push(
            meteredTimer(
              functionTimer(s.name, () => s.session.run(feeds)),
              meter,
              batch,
            ),
          );
        }
        if (timers.length === 0) continue;
        const res = await measureInterleaved(timers, interleaveSettings(job.measure, timers.length, job.seed + b, firstRunMs));
        const variants: VariantLatency[] = timers.map((t, i) => {
          const s = sessions.find((x) => x.name === t.name);
          return {
            name: t.name,
            latency: summarizeLatency(res.samples[i]!),
            sketch: latencySketch(res.samples[i]!),
            sessionCreateMs: s?.ms ?? 0,
            energy: t.energy(),
            ...(s ? { threads: s.threads } : {}),
          };
        });
        await sendToParent({ type: "paired-batch", batch, variants, blocks: res.blocks, cycles: res.cycles });
      } catch (e) {
        await sendToParent({ type: "batch-error", batch, message: (e as Error).message });
      }
    }
  } finally {
    meter?.close();
    for (const s of sessions) await s.session.release();
  }
}

async function runCeiling(job: CeilingJob): Promise<void> {
  const runner = await runnerFor(job);
  await climbCeiling(job, (path, extra) => createSession(path, runner, extra), sendToParent);
}

serveChildJob({ probe: async (job) => (await runnerFor(job)).probe(), facts: runFacts, paired: runPaired, ceiling: runCeiling, scenario: runScenarioJob });
