/**
 * Runs one task of a run (`run-tasks.ts`) in a child process and turns what the child said
 * into records (`child-records.ts`): a facts child for one model file, or the paired timing
 * child of one model × EP for one round.
 */
import { existsSync } from "node:fs";
import { ensureOutputDir } from "../formats/output-dir.ts";
import { createHash } from "node:crypto";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { readOnnx, writeOnnx } from "../formats/onnx/onnx-io.ts";
import { deviceResidentModel, deviceSplitApplies, deviceVariant, residentInputs } from "./device-resident.ts";
import type { BatchFeeds, ChildJob, ChildMessage, PairedVariant } from "./child-protocol.ts";
import { factsRecords, timingRecords } from "./child-records.ts";
import type { EpRunner } from "./ep-runner.ts";
import { threadCheckApplies, threadLadder } from "./intra-op-threads.ts";
import { threadVariant } from "../formats/run/thread-variant.ts";
import { ortDefaultFromFacts } from "./eps/cpu-ep.ts";
import type { EpFacts } from "./ep-runner.ts";
import { concreteShape, type InputSpec } from "./model-facts.ts";
import type { ResolvedProfileOptions } from "../formats/options/profile-options.ts";
import { measureForRound } from "./row-rounds.ts";
import { rowKey, type PlannedJob } from "../formats/run/run-plan.ts";
import { runChild } from "./run-child.ts";
import { softwareAdapterFacts } from "./software-adapter.ts";
import type { FactsRecord, TimingRecord } from "../formats/run/run-records.ts";
import type { RunTask } from "./run-tasks.ts";
import type { ScenarioRecord } from "../formats/run/scenario-schema.ts";
import { scenarioRecords } from "./scenario-records.ts";
import { scenarioSettings } from "./scenario-settings.ts";

/** What {@link runTask} needs besides the task. */
export interface TaskContext {
  readonly runner: EpRunner;
  readonly options: Pick<ResolvedProfileOptions, "measure" | "dataDir" | "accuracyLimit" | "childTimeoutMs" | "shapes" | "rounds" | "threadCheck"> & {
    /** Server scenario's bound, ms (absent: the EP's default). */
    readonly latencyBoundMs?: number;
  };
  /** The machine-speed reference taken before this child, ms (recorded with timing rounds). */
  readonly speedProbeMs?: number;
  readonly traceDir: string;
  readonly predictionsFile: (job: PlannedJob) => string;
  readonly signal?: AbortSignal;
  /** The EP's probe facts (the CPU EP's give ORT's default intra-op pool size, which the thread ladder leaves out). */
  readonly epFacts?: EpFacts;
}

/** What a task produced; `stopped` when the run was aborted (nothing recorded). */
export type TaskOutcome =
  | { readonly kind: "facts"; readonly records: FactsRecord[]; readonly stopped: boolean }
  | { readonly kind: "timing"; readonly records: TimingRecord[]; readonly stopped: boolean }
  | { readonly kind: "scenario"; readonly records: ScenarioRecord[]; readonly stopped: boolean };

/** The feeds of `job` at `batch`, or why the model cannot take it (the row is skipped). */
export function feedsFor(job: PlannedJob, batch: number, shapes: ResolvedProfileOptions["shapes"]): BatchFeeds | { reason: string; fix: string } {
  const inputs: BatchFeeds["inputs"][number][] = [];
  for (const input of job.inputs as InputSpec[]) {
    const shape = concreteShape(input, batch, shapes);
    if ("reason" in shape) return shape;
    inputs.push({ name: input.name, shape: shape.shape, elemType: input.elemType });
  }
  // Generated inputs follow the model's pixel preprocessing (e.g. [-1, 1) for MobileNetV2).
  const meta = job.metadata;
  return typeof meta?.scale === "number" ? { batch, inputs, pixels: { scale: meta.scale, offset: meta.offset ?? 0 } } : { batch, inputs };
}

async function collect(job: ChildJob, ctx: TaskContext) {
  const messages: ChildMessage[] = [];
  const exit = await runChild(job, {
    env: ctx.runner.childEnv(),
    timeoutMs: ctx.options.childTimeoutMs,
    onMessage: (m) => void messages.push(m),
    signal: ctx.signal,
    script: ctx.runner.childScript, // the browser EPs measure in their own child script
  });
  return { messages, exit };
}

async function runFacts(task: Extract<RunTask, { kind: "facts" }>, ctx: TaskContext): Promise<TaskOutcome> {
  const { job } = task;
  const now = () => new Date().toISOString();
  const feeds: BatchFeeds[] = [];
  const early: FactsRecord[] = [];
  for (const batch of task.batches) {
    try {
      const f = feedsFor(job, batch, ctx.options.shapes);
      if ("reason" in f) early.push({ key: rowKey(job, batch), state: "skipped", finishedAt: now(), reason: f.reason, fix: f.fix });
      else feeds.push(f);
    } catch (e) {
      early.push({ key: rowKey(job, batch), state: "errored", finishedAt: now(), error: (e as Error).message, exitCode: null, signal: null, stderrTail: "" });
    }
  }
  if (feeds.length === 0) return { kind: "facts", records: early, stopped: false };
  const meta = job.metadata;
  const batchAxis = job.inputs[0]?.dims[0];
  const fixedBatch = typeof batchAxis === "number";
  const { messages, exit } = await collect(
    {
      kind: "facts",
      ep: job.ep,
      onnxPath: job.onnxPath,
      batches: feeds,
      // On a software GPU adapter, facts children measure lighter (software-adapter.ts).
      measure: job.softwareAdapter ? softwareAdapterFacts(ctx.options.measure) : ctx.options.measure,
      accuracy:
        meta?.dataset && meta.inputShape
          ? {
              metadata: meta,
              dataDir: ctx.options.dataDir,
              limit: ctx.options.accuracyLimit,
              batch: fixedBatch ? batchAxis : 32,
              fixedBatch,
              predictionsFile: ctx.predictionsFile(job),
            }
          : null,
      traceDir: ctx.traceDir,
    },
    ctx,
  );
  const records = factsRecords(
    feeds.map((f) => f.batch),
    (b) => rowKey(job, b),
    messages,
    exit,
    ctx.options.childTimeoutMs,
    now(),
  );
  return { kind: "facts", records: exit.stopped ? [] : [...early, ...records], stopped: exit.stopped };
}

async function runTiming(task: Extract<RunTask, { kind: "timing" }>, ctx: TaskContext): Promise<TaskOutcome> {
  const { ep, softwareAdapter } = task.jobs[0]!;
  const precisions: PairedVariant[] = task.jobs.map((job) => ({
    name: job.precision,
    onnxPath: job.onnxPath,
    // Facts already proved every timed batch takes these feeds.
    feeds: task.batches.map((b) => {
      const f = feedsFor(job, b, ctx.options.shapes);
      return "reason" in f ? { batch: b, inputs: [] } : f;
    }),
  }));
  // The thread check: each precision again at every rung of the thread ladder but ORT's default, in the same window (intra-op-threads.ts).
  const ladder = threadCheckApplies(ep, ctx.options.threadCheck) ? threadLadder(cpus().length, ortDefaultFromFacts(ctx.epFacts).threads) : undefined;
  const rungs = (ladder?.timed ?? []).flatMap((n) => precisions.map((v) => ({ ...v, name: threadVariant(v.name, n), intraOpThreads: n })));
  // GPU rows: each precision again with its data made and summed on the device, to split compute from transfer (device-resident.ts).
  const resident = deviceSplitApplies(ep, softwareAdapter) ? await residentVariants(precisions, ctx.traceDir) : [];
  const variants = [...precisions, ...rungs, ...resident];
  const { messages, exit } = await collect(
    {
      kind: "paired",
      ep,
      variants,
      batches: task.batches,
      measure: measureForRound(ctx.options.measure, ctx.options.rounds),
      seed: 1000 * task.round + 1,
      ...(ep === "cpu" ? { ortDefault: ortDefaultFromFacts(ctx.epFacts) } : {}),
    },
    ctx,
  );
  const records = timingRecords(
    task.batches,
    {
      group: task.group,
      round: task.round,
      finishedAt: new Date().toISOString(),
      loadAverage1m: loadavg()[0] ?? 0,
      ...(ctx.speedProbeMs !== undefined ? { speedProbeMs: ctx.speedProbeMs } : {}),
    },
    messages,
    exit,
    ctx.options.childTimeoutMs,
  );
  return { kind: "timing", records, stopped: exit.stopped };
}

/** The device-resident copy of each precision (written under `dir`), with feeds that make each input's shape on the device; precisions that cannot have one are left out. */
async function residentVariants(precisions: readonly PairedVariant[], dir: string): Promise<PairedVariant[]> {
  const out: PairedVariant[] = [];
  await ensureOutputDir(join(dir, "device-resident"));
  for (const v of precisions) {
    const path = join(dir, "device-resident", `${createHash("sha256").update(v.onnxPath).digest("hex").slice(0, 16)}.onnx`);
    // written once per run (later rounds and --resume reuse it): the copy depends on the file alone
    if (!existsSync(path)) {
      const model = deviceResidentModel(await readOnnx(v.onnxPath));
      if ("reason" in model) continue;
      await writeOnnx(path, model);
    }
    out.push({
      name: deviceVariant(v.name),
      onnxPath: path,
      feeds: v.feeds.map((f) => ({
        batch: f.batch,
        inputs: f.inputs.flatMap((i) => [
          { name: residentInputs(i.name).seed, shape: [1], elemType: i.elemType },
          { name: residentInputs(i.name).shape, shape: [i.shape.length], elemType: 7, values: [...i.shape] },
        ]),
      })),
    });
  }
  return out;
}

/** The precisions of a timing or scenario task with their feeds at each of its batches (an empty feed where facts showed a batch does not fit). */
function variantsOf(task: { readonly jobs: readonly PlannedJob[]; readonly batches: readonly number[] }, ctx: TaskContext): PairedVariant[] {
  return task.jobs.map((job) => ({
    name: job.precision,
    onnxPath: job.onnxPath,
    feeds: task.batches.map((b) => {
      const f = feedsFor(job, b, ctx.options.shapes);
      return "reason" in f ? { batch: b, inputs: [] } : f;
    }),
  }));
}

async function runScenario(task: Extract<RunTask, { kind: "scenario" }>, ctx: TaskContext): Promise<TaskOutcome> {
  const ep = task.jobs[0]!.ep;
  const settings = scenarioSettings(ctx.options.measure, ep, ctx.options.latencyBoundMs);
  const head = { group: task.group, scenario: task.scenario, settings };
  // The browser EPs measure in their own child, which has no scenario job.
  if (ctx.runner.childScript) {
    const reason = `load scenarios run on the onnxruntime-node EPs (cpu, cuda, webgpu); ${ctx.runner.name} runs in a browser child`;
    return {
      kind: "scenario",
      records: task.batches.map((batch) => ({ ...head, batch, finishedAt: new Date().toISOString(), failure: { state: "skipped" as const, reason } })),
      stopped: false,
    };
  }
  const { messages, exit } = await collect(
    { kind: "scenario", ep, scenario: task.scenario, variants: variantsOf(task, ctx), batches: task.batches, settings, seed: 7 },
    ctx,
  );
  const records = scenarioRecords(
    { ...head, finishedAt: new Date().toISOString(), loadAverage1m: loadavg()[0] ?? 0 },
    task.batches,
    messages,
    exit,
    ctx.options.childTimeoutMs,
  );
  return { kind: "scenario", records, stopped: exit.stopped };
}

/** Runs one task's child and returns its records. */
export function runTask(task: RunTask, ctx: TaskContext): Promise<TaskOutcome> {
  if (task.kind === "scenario") return runScenario(task, ctx);
  return task.kind === "facts" ? runFacts(task, ctx) : runTiming(task, ctx);
}
