/**
 * The profile stage: plans the rows (model × precision × EP × batch), probes the EPs, then
 * runs what the run directory says is still to do (`run-store.ts`, `run-tasks.ts`): per
 * model × EP, a facts child per precision (memory, first run, accuracy, per-op profile),
 * then per round one paired child timing every precision in interleaved blocks; it writes
 * `results.json` / `results.csv` / `comparisons.csv` in `<out>/runs/<timestamp>-<host>/`.
 * SIGINT stops the current child, keeps what finished and prints how to resume.
 */
import { DEVICE_SPLIT_EPS } from "./device-resident.ts";
import { join, resolve } from "node:path";
import cliProgress from "cli-progress";
import { defaultEpRegistry, resolveEps, selectEps, type EpRegistry, type EpStatus } from "./ep-registry.ts";
import type { EpRunner } from "./ep-runner.ts";
import { collectHardware } from "./hardware.ts";
import { readModelFacts } from "./model-facts.ts";
import { resolveProfileOptions, type ProfileOptions, type ResolvedProfileOptions } from "../formats/options/profile-options.ts";
import { RUN_FILES, type RunResults } from "../formats/run/results-schema.ts";
import { onSoftwareAdapter } from "./software-adapter.ts";
import { speedProbeMs } from "./speed-probe.ts";
import { RunStore } from "./run-store.ts";
import { predictionsPath } from "../formats/run/run-records.ts";
import { runTask, type TaskOutcome } from "./run-task.ts";
import type { PlannedJob, RunPlan } from "../formats/run/run-plan.ts";
import type { SuitePreparer } from "./suite-file.ts";
import { probeInChild } from "./probe-in-child.ts";
import { ensureOutputDir } from "../formats/output-dir.ts";
import { checkShapeNames, inputWarnings, usedShape } from "./input-defaults.ts";
import { visibleControls } from "../formats/terminal-text.ts";
import { scenarioLines } from "./scenario-records.ts";

export { probeInChild };

/** What {@link runProfile} returns. */
export interface ProfileRun {
  /** The run directory. */
  readonly dir: string;
  readonly results: RunResults;
  /** False when the run was stopped (SIGINT) before every row finished. */
  readonly complete: boolean;
  /** Whether the run wants its report written (`--no-report` is recorded, so `--resume` keeps it). */
  readonly report: boolean;
}

/** The batches of `ep`'s jobs: the run's, plus `--gpu-batch` on a GPU EP with a real adapter. */
export function batchesOn(ep: string, eps: readonly EpStatus[], o: Pick<ResolvedProfileOptions, "batches" | "gpuBatches">): number[] {
  const status = eps.find((e) => e.name === ep);
  const realGpu = DEVICE_SPLIT_EPS.includes(ep) && status?.state === "available" && status.facts.softwareFallback !== "yes";
  return realGpu ? [...new Set([...o.batches, ...o.gpuBatches.filter((b) => b > 0)])] : [...o.batches];
}

async function buildPlan(o: ResolvedProfileOptions, runners: EpRunner[], eps: EpStatus[], suite: SuitePreparer): Promise<Omit<RunPlan, "runId">> {
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
      const line = `profile: ${file.model ?? facts?.name}: ${w.text}`;
      if (!said.has(line)) o.log(line);
      said.add(line);
    }
    const precision = file.precision;
    const baseName = file.model ?? facts?.name ?? file.path.replace(/^.*\//, "").replace(/\.onnx$/i, "");
    // Two files with the same model name and precision (e.g. lenet on two datasets) get -2, -3… so row keys stay unique.
    let name = baseName;
    for (let k = 2; used.has(`${name}|${precision}`); k++) name = `${baseName}-${k}`;
    used.add(`${name}|${precision}`);
    for (const runner of runners) {
      jobs.push({
        model: name,
        precision,
        ep: runner.name,
        onnxPath: resolve(file.path),
        batches: batchesOn(runner.name, eps, o),
        ...(loadError ? { loadError } : {}),
        ...(file.skip ? { skip: file.skip } : {}),
        params: facts?.params ?? 0,
        sizeBytes: facts?.sizeBytes ?? 0,
        ...(facts?.metadata ? { metadata: facts.metadata as unknown as Record<string, unknown> } : {}),
        inputs: facts ? facts.inputs.map((i) => ({ ...i, dims: [...i.dims], ...shapeField(usedShape(i, firstBatch, o.shapes)) })) : [],
        ...(warnings.length > 0 ? { warnings } : {}),
        ...(facts?.work ? { work: [...facts.work] } : {}),
      });
    }
  }
  return {
    schemaVersion: 2,
    startedAt: new Date().toISOString(),
    settings: {
      models: o.onnx.length > 0 ? [] : o.models,
      dataset: o.dataset,
      onnx: o.onnx,
      eps: runners.map((r) => r.name),
      batches: o.batches,
      gpuBatches: o.gpuBatches,
      precisions: o.precisions,
      quick: o.quick,
      shapes: o.shapes,
      accuracyLimit: o.accuracyLimit ?? null,
      dataDir: o.dataDir ?? null,
      measure: o.measure,
      childTimeoutMs: o.childTimeoutMs,
      cvThreshold: o.cvThreshold,
      rounds: o.rounds,
      threadCheck: o.threadCheck,
      report: o.report ?? true,
      scenario: o.scenario,
      ...(o.latencyBoundMs !== undefined ? { latencyBoundMs: o.latencyBoundMs } : {}),
    },
    hardware: await collectHardware(),
    eps,
    jobs,
  };
}

const shapeField = (shape: number[] | undefined) => (shape ? { shape } : {});

/** Options stored in a plan, applied back over the current ones on `--resume`. */
function optionsFromPlan(plan: RunPlan, o: ResolvedProfileOptions): ResolvedProfileOptions {
  const s = plan.settings;
  return {
    ...o,
    measure: { ...o.measure, ...s.measure },
    shapes: s.shapes ?? o.shapes,
    accuracyLimit: s.accuracyLimit ?? undefined,
    dataDir: s.dataDir ?? undefined,
    childTimeoutMs: s.childTimeoutMs ?? o.childTimeoutMs,
    cvThreshold: s.cvThreshold ?? o.cvThreshold,
    // Runs planned before rounds existed were measured once.
    rounds: s.rounds ?? 1,
    // Runs planned before the thread check existed had no one-thread variants.
    threadCheck: s.threadCheck ?? false,
    // --no-report typed now wins; else the run's own choice.
    report: o.report ?? s.report ?? true,
    // Runs planned before load scenarios measured single-stream rows alone.
    scenario: s.scenario ?? "single-stream",
    latencyBoundMs: s.latencyBoundMs,
  };
}

/**
 * Runs the profile stage. Throws before any work for bad options (unknown EP, bad batch).
 * @param registry EP table; tests pass fakes.
 * @param suite Makes the files of a fresh run (pipeline/'s `suitePreparer`: trains, exports and
 * quantizes what is missing); not needed to `--resume` a run, whose files are in its plan.
 * @throws {Error} for a fresh run without `suite`.
 */
export async function runProfile(input: ProfileOptions = {}, registry: EpRegistry = defaultEpRegistry(), suite?: SuitePreparer): Promise<ProfileRun> {
  let o = resolveProfileOptions(input);
  let store: RunStore;
  if (o.resume) {
    store = await RunStore.open(o.resume);
    o = optionsFromPlan(store.plan, o);
    for (const ep of store.plan.eps) if (ep.state === "available") registry.runners.find((r) => r.name === ep.name)?.adopt?.(ep.facts);
    o.log(`resuming ${store.dir}`);
  } else {
    const runners = selectEps(registry, o.eps);
    // Fail before probing, training or exporting when the output folder cannot be made.
    await ensureOutputDir(o.out, "--out");
    if (!suite)
      throw new Error(
        "runProfile needs a suite preparer for a fresh run (the files of --models or --onnx): pass pipeline/index.ts's suitePreparer, as cli/profile-command.ts does, or --resume a run",
      );
    await suite.check(o);
    o.log(`probing EPs: ${runners.map((r) => r.name).join(", ")}`);
    const eps = await Promise.all(runners.map((r) => resolveEps([r], probeInChild).then((s) => s[0]!)));
    for (const ep of eps) o.log(ep.state === "available" ? `  ${ep.name}: available` : `  ${ep.name}: skipped (${ep.reason})`);
    store = await RunStore.create(o.out, await buildPlan(o, runners, eps, suite), o.rounds);
  }
  const dir = store.dir;
  const total = store.pending().length;
  const bar = o.progress
    ? new cliProgress.SingleBar({ format: "profile [{bar}] {value}/{total} children | {job}", hideCursor: true }, cliProgress.Presets.shades_classic)
    : undefined;
  bar?.start(total, 0, { job: "" });

  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.on("SIGINT", onSigint);
  let stopped = false;
  let failure: unknown;
  try {
    for (let task = store.pending()[0]; task; task = store.pending()[0]) {
      if (controller.signal.aborted) {
        stopped = true;
        break;
      }
      const first = task.kind === "facts" ? task.job : task.jobs[0]!;
      const label =
        task.kind === "facts"
          ? `facts ${first.model} ${first.precision} ${first.ep}`
          : task.kind === "scenario"
            ? `${task.scenario} ${first.model} ${task.jobs.map((j) => j.precision).join("+")} ${first.ep}`
            : `${o.rounds > 1 ? `round ${task.round}/${o.rounds} ` : ""}${first.model} ${task.jobs.map((j) => j.precision).join("+")} ${first.ep}`;
      bar?.update({ job: visibleControls(label) });
      if (!bar) o.log(`measuring ${label} at batch ${task.batches.join(",")}`);
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
        softwareAdapter: onSoftwareAdapter(store.plan.eps, first.ep),
        epFacts: ((e) => (e?.state === "available" ? e.facts : undefined))(store.plan.eps.find((e) => e.name === first.ep)),
      });
      if (outcome.stopped) {
        stopped = true;
        break;
      }
      if (outcome.kind === "facts") await store.recordFacts(outcome.records);
      else if (outcome.kind === "scenario") await store.recordScenarios(outcome.records);
      else await store.recordTimings(outcome.records);
      bar?.increment();
      if (!bar) for (const line of outcomeLines(outcome)) o.log(`  ${line}`);
    }
  } catch (e) {
    failure = e;
  } finally {
    process.off("SIGINT", onSigint);
    controller.abort();
    bar?.stop();
  }
  const results = await store.finalize(o.cvThreshold).finally(() => store.release());
  const planned = store.plan.jobs.reduce((n, j) => n + j.batches.length, 0);
  if (failure) {
    o.log(`\nThe profiler failed; ${results.rows.length} of ${planned} rows are kept in ${dir}`);
    o.log(`Resume with: npm run profile -- --resume ${dir}`);
    throw failure;
  }
  if (o.printTable) {
    // The terminal table is a renderer of reports/ (loaded here only when printed).
    const { renderResultsTable } = await import("../reports/index.ts");
    o.log("\n" + renderResultsTable(results, { wide: o.table === "wide" }));
  }
  const scenarios = scenarioLines(results.scenarios ?? []);
  if (scenarios.length > 0) o.log(["", `Load scenario (${store.plan.settings.scenario}):`, ...scenarios.map((l) => `  ${l}`)].join("\n"));
  if (stopped || !results.complete) {
    o.log(`\nStopped: ${results.rows.length} of ${planned} rows finished (${store.pending().length} of ${total} children still to run) and kept in ${dir}`);
    o.log(`Resume with: npm run profile -- --resume ${dir}`);
  } else {
    o.log(`\nRun dir: ${dir}`);
  }
  return { dir, results, complete: results.complete, report: o.report ?? true };
}

/** One status line per record, for `--no-progress` logs. */
function outcomeLines(outcome: TaskOutcome): string[] {
  if (outcome.kind === "scenario") {
    return outcome.records.map((r) => `${r.group}|${r.batch} ${r.scenario}: ${r.failure ? `${r.failure.state} (${r.failure.reason})` : "measured"}`);
  }
  if (outcome.kind === "facts") {
    return outcome.records.map(
      (r) =>
        `${r.key}: ${r.state === "measured" ? `first run ${r.firstRunMs.toPrecision(3)} ms, peak RSS ${r.peakRssMiB.toFixed(0)} MiB` : r.state === "skipped" ? `skipped (${r.reason})` : `errored (${r.error})`}`,
    );
  }
  return outcome.records.map(
    (r) =>
      `${r.group}|${r.batch} round ${r.round}: ${
        r.failure
          ? `failed (${r.failure.error})`
          : r.variants.map((v) => `${v.name} p50 ${v.latency.p50.toPrecision(3)} ms`).join(", ") + ` (${r.cycles} cycles)`
      }`,
  );
}
