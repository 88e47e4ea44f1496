/**
 * The profile stage: plans the rows (model × precision × EP × batch), probes the EPs, then
 * runs what the run directory says is still to do (`run-store.ts`, `run-tasks.ts`): per
 * model × EP, a facts child per precision (memory, first run, accuracy, per-op profile),
 * then per round one paired child timing every precision in interleaved blocks; it writes
 * `results.json` / `results.csv` / `comparisons.csv` in `<out>/runs/<timestamp>-<host>/`.
 * It prints nothing: it emits events (`profile-events.ts`) that a renderer shows, and an
 * aborted signal stops the current child, keeps what finished and ends the run `stopped`.
 */
import { DEVICE_SPLIT_EPS } from "./device-resident.ts";
import { join, resolve } from "node:path";
import { defaultEpRegistry, resolveEps, selectEps, type EpRegistry, type EpStatus } from "./ep-registry.ts";
import type { EpRunner } from "./ep-runner.ts";
import { collectHardware } from "./hardware.ts";
import { readModelFacts } from "./model-facts.ts";
import { resolveProfileOptions, type ProfileOptions, type ResolvedProfileOptions } from "../formats/options/profile-options.ts";
import { RUN_FILES, type RunResults } from "../formats/run/results-schema.ts";
import { speedProbeMs } from "./speed-probe.ts";
import { RunStore } from "./run-store.ts";
import { predictionsPath } from "../formats/run/run-records.ts";
import { runTask } from "./run-task.ts";
import { softwareAdapterOn, type PlannedJob, type RunPlan } from "../formats/run/run-plan.ts";
import { recordSettings, resumeOptions } from "../formats/run/run-settings.ts";
import type { SuitePreparer } from "./suite-file.ts";
import { probeInChild } from "./probe-in-child.ts";
import { ensureOutputDir } from "../formats/output-dir.ts";
import { checkShapeNames, inputWarnings, usedShape } from "./input-defaults.ts";
import type { ProfileEngineOptions, ProfileEvent } from "./profile-events.ts";
import type { RunTask } from "./run-tasks.ts";

export { probeInChild };

/** What {@link runProfile} returns. */
export interface ProfileRun {
  /** The run directory. */
  readonly dir: string;
  readonly results: RunResults;
  /** False when the run was stopped (the signal) before every row finished. */
  readonly complete: boolean;
  /** Whether the run wants its report written (`--no-report` is recorded, so `--resume` keeps it). */
  readonly report: boolean;
}

/** Sends an event to the driver, waiting for it. */
type Emit = (event: ProfileEvent) => Promise<void>;

/** The batches of `ep`'s jobs: the run's, plus `--gpu-batch` on an available GPU EP with a real adapter (`softwareAdapter`: the job's). */
export function batchesOn(ep: string, eps: readonly EpStatus[], softwareAdapter: boolean, o: Pick<ResolvedProfileOptions, "batches" | "gpuBatches">): number[] {
  const realGpu = DEVICE_SPLIT_EPS.includes(ep) && eps.find((e) => e.name === ep)?.state === "available" && !softwareAdapter;
  return realGpu ? [...new Set([...o.batches, ...o.gpuBatches.filter((b) => b > 0)])] : [...o.batches];
}

async function buildPlan(o: ResolvedProfileOptions, runners: EpRunner[], eps: EpStatus[], suite: SuitePreparer, emit: Emit): Promise<Omit<RunPlan, "runId">> {
  const files = await suite.files(o);
  const read = await Promise.all(
    files.map(async (file) => {
      try {
        return { file, facts: file.skip ? undefined : await readModelFacts(file.path, { batches: o.batches, shapes: o.shapes }) };
      } catch (e) {
        return { file, facts: undefined, loadError: (e as Error).message };
      }
    }),
  );
  checkShapeNames(
    o.shapes,
    read.flatMap((r) => (r.facts ? [r.facts] : [])),
  );
  const jobs: PlannedJob[] = [];
  const used = new Set<string>();
  const said = new Set<string>();
  const firstBatch = o.batches[0] ?? 1;
  for (const { file, facts, loadError } of read) {
    // Said once per model, and on each of its rows.
    const warnings = [...(facts ? inputWarnings(facts.inputs, firstBatch, o.shapes) : []), ...(file.warnings ?? [])];
    for (const w of warnings) {
      const model = file.model ?? facts?.name;
      const line = `${model}: ${w.text}`;
      if (!said.has(line)) await emit({ type: "input-warning", model, warning: w });
      said.add(line);
    }
    const precision = file.precision;
    const baseName = file.model ?? facts?.name ?? file.path.replace(/^.*\//, "").replace(/\.onnx$/i, "");
    // Two files with the same model name and precision (e.g. lenet on two datasets) get -2, -3… so row keys stay unique.
    let name = baseName;
    for (let k = 2; used.has(`${name}|${precision}`); k++) name = `${baseName}-${k}`;
    used.add(`${name}|${precision}`);
    for (const runner of runners) {
      const softwareAdapter = softwareAdapterOn(eps, runner.name);
      jobs.push({
        model: name,
        precision,
        ep: runner.name,
        onnxPath: resolve(file.path),
        batches: batchesOn(runner.name, eps, softwareAdapter, o),
        ...(loadError ? { loadError } : {}),
        ...(file.skip ? { skip: file.skip } : {}),
        params: facts?.params ?? 0,
        sizeBytes: facts?.sizeBytes ?? 0,
        ...(facts?.metadata ? { metadata: facts.metadata } : {}),
        inputs: facts ? facts.inputs.map((i) => ({ ...i, dims: [...i.dims], ...shapeField(usedShape(i, firstBatch, o.shapes)) })) : [],
        ...(warnings.length > 0 ? { warnings } : {}),
        ...(facts?.work ? { work: [...facts.work] } : {}),
        softwareAdapter,
      });
    }
  }
  return {
    schemaVersion: 2,
    startedAt: new Date().toISOString(),
    settings: recordSettings({ ...o, models: o.onnx.length > 0 ? [] : o.models, eps: runners.map((r) => r.name) }),
    hardware: await collectHardware(),
    eps,
    jobs,
  };
}

const shapeField = (shape: number[] | undefined) => (shape ? { shape } : {});

/** The child's name in progress output: `facts m fp32 cpu`, `round 2/3 m fp32+int8 cpu`, `offline m fp32 cpu`. */
function taskLabel(task: RunTask, rounds: number): string {
  const first = task.kind === "facts" ? task.job : task.jobs[0]!;
  if (task.kind === "facts") return `facts ${first.model} ${first.precision} ${first.ep}`;
  const precisions = task.jobs.map((j) => j.precision).join("+");
  if (task.kind === "scenario") return `${task.scenario} ${first.model} ${precisions} ${first.ep}`;
  return `${rounds > 1 ? `round ${task.round}/${rounds} ` : ""}${first.model} ${precisions} ${first.ep}`;
}

/**
 * Runs the profile stage. Throws before any work for bad options (unknown EP, bad batch).
 * Prints nothing itself (the suite's preparation logs to `input.log`): `onEvent` receives
 * {@link ProfileEvent}s and aborting `signal` stops the run (`cli/profile-renderer.ts` does both).
 * @param registry EP table; tests pass fakes.
 * @param suite Makes the files of a fresh run (pipeline/'s `suitePreparer`: trains, exports and
 * quantizes what is missing); not needed to `--resume` a run, whose files are in its plan.
 * @throws {Error} for a fresh run without `suite`.
 */
export async function runProfile(
  input: ProfileOptions & ProfileEngineOptions = {},
  registry: EpRegistry = defaultEpRegistry(),
  suite?: SuitePreparer,
): Promise<ProfileRun> {
  const { signal, onEvent, ...options } = input;
  const emit: Emit = async (event) => {
    await onEvent?.(event);
  };
  let o = resolveProfileOptions(options);
  let store: RunStore;
  if (o.resume) {
    store = await RunStore.open(o.resume);
    o = resumeOptions(store.plan.settings, o);
    for (const ep of store.plan.eps) if (ep.state === "available") registry.runners.find((r) => r.name === ep.name)?.adopt?.(ep.facts);
    await emit({ type: "resuming", dir: store.dir });
  } else {
    const runners = selectEps(registry, o.eps);
    // Fail before probing, training or exporting when the output folder cannot be made.
    await ensureOutputDir(o.out, "--out");
    if (!suite)
      throw new Error(
        "runProfile needs a suite preparer for a fresh run (the files of --models or --onnx): pass pipeline/index.ts's suitePreparer, as cli/profile-command.ts does, or --resume a run",
      );
    await suite.check(o);
    await emit({ type: "probing", eps: runners.map((r) => r.name) });
    const eps = await Promise.all(runners.map((r) => resolveEps([r], probeInChild).then((s) => s[0]!)));
    for (const status of eps) await emit({ type: "ep-status", status });
    store = await RunStore.create(o.out, await buildPlan(o, runners, eps, suite, emit), o.rounds);
  }
  const dir = store.dir;
  const total = store.pending().length;
  await emit({ type: "plan-ready", dir, total });

  // The run's own controller: the caller's signal aborts it, and it is aborted when measuring ends.
  const controller = new AbortController();
  const stop = () => controller.abort();
  if (signal?.aborted) stop();
  signal?.addEventListener("abort", stop);
  let stopped = false;
  let failure: unknown;
  try {
    for (let task = store.pending()[0]; task; task = store.pending()[0]) {
      if (controller.signal.aborted) {
        stopped = true;
        break;
      }
      const first = task.kind === "facts" ? task.job : task.jobs[0]!;
      await emit({ type: "task-start", label: taskLabel(task, o.rounds), batches: task.batches });
      const runner = registry.runners.find((r) => r.name === first.ep);
      if (!runner)
        throw new Error(`Unknown EP "${first.ep}" in ${join(dir, RUN_FILES.plan)}. Expected one of: ${registry.runners.map((r) => r.name).join(", ")}`);
      const outcome = await runTask(task, {
        runner,
        options: o,
        ...(task.kind === "timing" ? { speedProbeMs: speedProbeMs() } : {}),
        traceDir: join(dir, RUN_FILES.traces),
        predictionsFile: (job) => predictionsPath(dir, job),
        signal: controller.signal,
        epFacts: ((e) => (e?.state === "available" ? e.facts : undefined))(store.plan.eps.find((e) => e.name === first.ep)),
      });
      if (outcome.stopped) {
        stopped = true;
        break;
      }
      if (outcome.kind === "facts") await store.recordFacts(outcome.records);
      else if (outcome.kind === "scenario") await store.recordScenarios(outcome.records);
      else await store.recordTimings(outcome.records);
      await emit({ type: "task-done", outcome });
    }
  } catch (e) {
    failure = e;
  } finally {
    signal?.removeEventListener("abort", stop);
    controller.abort();
  }
  await emit({ type: "tasks-ended" });
  const results = await store.finalize(o.cvThreshold).finally(() => store.release());
  const plannedRows = store.plan.jobs.reduce((n, j) => n + j.batches.length, 0);
  if (failure) {
    await emit({ type: "failed", dir, rows: results.rows.length, plannedRows, error: failure });
    throw failure;
  }
  await emit({
    type: "finished",
    dir,
    results,
    complete: results.complete,
    stopped,
    children: { total, pending: store.pending().length },
    plannedRows,
    scenario: store.plan.settings.scenario,
  });
  return { dir, results, complete: results.complete, report: o.report ?? true };
}
