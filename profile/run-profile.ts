/**
 * The profile stage: plans the rows (model × precision × EP × batch), probes the EPs,
 * runs one child per model × precision × EP and round (all jobs' round 1, then all jobs'
 * round 2…; see `row-rounds.ts`), appends rows as they finish, and writes
 * `results.json` / `results.csv` in `<out>/runs/<timestamp>-<host>/`. SIGINT stops the
 * current child, keeps finished rows and prints how to resume.
 */
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import cliProgress from "cli-progress";
import { defaultEpRegistry, resolveEps, selectEps, type EpRegistry, type EpStatus } from "./ep-registry.ts";
import type { EpRunner } from "./ep-runner.ts";
import { collectHardware } from "./hardware.ts";
import { readModelFacts } from "./model-facts.ts";
import { resolveProfileOptions, type ProfileOptions, type ResolvedProfileOptions } from "./profile-options.ts";
import { renderResultsTable } from "./results-table.ts";
import { RUN_FILES, type OkRow, type ResultRow, type RunResults } from "./results-schema.ts";
import { appendRound, readRounds, type RoundRecord } from "./row-rounds.ts";
import { speedProbeMs } from "./speed-probe.ts";
import { appendRow, createRunDir, finalizeRun, predictionsPath, readRows } from "./run-files.ts";
import { runJob } from "./run-job.ts";
import { readPlan, rowKey, writePlan, type PlannedJob, type RunPlan } from "./run-plan.ts";
import { runChild } from "./run-child.ts";
import { prepareZooModels, type SuiteFile } from "./suite-models.ts";
import { onnxSuiteFiles } from "./onnx-precisions.ts";

/** What {@link runProfile} returns. */
export interface ProfileRun {
  /** The run directory. */
  readonly dir: string;
  readonly results: RunResults;
  /** False when the run was stopped (SIGINT) before every row finished. */
  readonly complete: boolean;
}

/** Probes an EP in a child process with the EP's environment (a crashing driver cannot kill the run). */
export async function probeInChild(runner: EpRunner, timeoutMs = 60_000): ReturnType<EpRunner["probe"]> {
  let result: Awaited<ReturnType<EpRunner["probe"]>> | undefined;
  const exit = await runChild({ kind: "probe", ep: runner.name }, {
    env: runner.childEnv(),
    timeoutMs,
    script: runner.childScript, // the browser EPs probe in their own child script
    onMessage: (m) => {
      if (m.type === "probe") result = m.result;
    },
  });
  if (result) return result;
  const how = exit.timedOut ? "timed out" : exit.signal ? `was killed by ${exit.signal}` : `exited with code ${String(exit.exitCode)}`;
  return { available: false, reason: `the ${runner.name} probe ${how}: ${exit.stderrTail.split("\n").pop() ?? ""}`, fix: "run with DEBUG=1 to see the driver's output" };
}

async function planFiles(o: ResolvedProfileOptions): Promise<SuiteFile[]> {
  if (o.onnx.length > 0) return onnxSuiteFiles({ onnx: o.onnx, precisions: o.precisions, int8: o.int8, out: o.out, tuneBatch: Math.max(...o.batches), log: o.log });
  return prepareZooModels({ models: o.models, dataset: o.dataset, precisions: o.precisions, out: o.out, epochs: o.epochs, dataDir: o.dataDir, progress: o.progress, log: o.log, tuneBatch: Math.max(...o.batches) });
}

async function buildPlan(o: ResolvedProfileOptions, runId: string, runners: EpRunner[], eps: EpStatus[]): Promise<RunPlan> {
  const files = await planFiles(o);
  const jobs: PlannedJob[] = [];
  const used = new Set<string>();
  for (const file of files) {
    let facts: Awaited<ReturnType<typeof readModelFacts>> | undefined;
    let loadError: string | undefined;
    try {
      facts = await readModelFacts(file.path);
    } catch (e) {
      loadError = (e as Error).message;
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
        batches: [...o.batches],
        ...(loadError ? { loadError } : {}),
        params: facts?.params ?? 0,
        sizeBytes: facts?.sizeBytes ?? 0,
        ...(facts?.metadata ? { metadata: facts.metadata as unknown as Record<string, unknown> } : {}),
        inputs: facts ? facts.inputs.map((i) => ({ ...i, dims: [...i.dims] })) : [],
      });
    }
  }
  return {
    schemaVersion: 1,
    runId,
    startedAt: new Date().toISOString(),
    settings: {
      models: o.onnx.length > 0 ? [] : o.models,
      dataset: o.dataset,
      onnx: o.onnx,
      eps: runners.map((r) => r.name),
      batches: o.batches,
      precisions: o.precisions,
      quick: o.quick,
      shapes: o.shapes,
      accuracyLimit: o.accuracyLimit ?? null,
      dataDir: o.dataDir ?? null,
      measure: o.measure,
      childTimeoutMs: o.childTimeoutMs,
      cvThreshold: o.cvThreshold,
      rounds: o.rounds,
    },
    hardware: await collectHardware(),
    eps,
    jobs,
  };
}

/** Options stored in a plan, applied back over the current ones on `--resume`. */
function optionsFromPlan(plan: RunPlan, o: ResolvedProfileOptions): ResolvedProfileOptions {
  const s = plan.settings as Partial<Record<keyof ResolvedProfileOptions, unknown>>;
  return {
    ...o,
    measure: (s.measure as ResolvedProfileOptions["measure"]) ?? o.measure,
    shapes: (s.shapes as ResolvedProfileOptions["shapes"]) ?? o.shapes,
    accuracyLimit: (s.accuracyLimit as number | null) ?? undefined,
    dataDir: (s.dataDir as string | null) ?? undefined,
    childTimeoutMs: (s.childTimeoutMs as number) ?? o.childTimeoutMs,
    cvThreshold: (s.cvThreshold as number) ?? o.cvThreshold,
    // Runs planned before rounds existed were measured once.
    rounds: (s.rounds as number | undefined) ?? 1,
  };
}

/**
 * Runs the profile stage. Throws before any work for bad options (unknown EP, bad batch).
 * @param registry EP table; tests pass fakes.
 */
export async function runProfile(input: ProfileOptions = {}, registry: EpRegistry = defaultEpRegistry()): Promise<ProfileRun> {
  let o = resolveProfileOptions(input);
  let dir: string;
  let plan: RunPlan;
  if (o.resume) {
    dir = o.resume;
    plan = await readPlan(dir);
    o = optionsFromPlan(plan, o);
    o.log(`resuming ${dir}`);
  } else {
    const runners = selectEps(registry, o.eps);
    o.log(`probing EPs: ${runners.map((r) => r.name).join(", ")}`);
    const eps = await Promise.all(runners.map((r) => resolveEps([r], probeInChild).then((s) => s[0]!)));
    for (const ep of eps) o.log(ep.state === "available" ? `  ${ep.name}: available` : `  ${ep.name}: skipped (${ep.reason})`);
    const planned = await buildPlan(o, "", runners, eps);
    // The run dir appears only once its plan exists, so every run dir can be resumed.
    const created = await createRunDir(o.out);
    dir = created.dir;
    plan = { ...planned, runId: created.runId };
    await writePlan(dir, plan);
  }
  await mkdir(join(dir, RUN_FILES.predictions), { recursive: true });

  const rows = await readRows(dir);
  const rounds = await readRounds(dir);
  const planned = plan.jobs.flatMap((job) => job.batches.map((batch) => ({ job, batch, key: rowKey(job, batch) })));
  /** Rounds a row has had: a skipped or errored row is finished; rows from before rounds count as one. */
  const roundsDone = (key: string): number => {
    const row = rows.get(key);
    if (!row) return 0;
    if (row.state !== "ok") return o.rounds;
    return Math.min(o.rounds, Math.max(1, rounds.get(key)?.length ?? 1));
  };
  const total = planned.length * o.rounds;
  const bar = o.progress ? new cliProgress.SingleBar({ format: "profile [{bar}] {value}/{total} row-rounds | {job}", hideCursor: true }, cliProgress.Presets.shades_classic) : undefined;
  bar?.start(total, planned.reduce((n, p) => n + roundsDone(p.key), 0), { job: "" });

  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.on("SIGINT", onSigint);
  let stopped = false;
  let failure: unknown;
  try {
    rounds: for (let round = 1; round <= o.rounds; round++) {
      for (const job of plan.jobs) {
        if (controller.signal.aborted) {
          stopped = true;
          break rounds;
        }
        const batches = job.batches.filter((b) => (round === 1 ? !rows.has(rowKey(job, b)) : rows.get(rowKey(job, b))?.state === "ok" && roundsDone(rowKey(job, b)) < round));
        if (batches.length === 0) continue;
        const label = `${o.rounds > 1 ? `round ${round}/${o.rounds} ` : ""}${job.model} ${job.precision} ${job.ep}`;
        bar?.update({ job: label });
        if (!bar) o.log(`measuring ${label} at batch ${batches.join(",")}`);
        const onRow = async (row: ResultRow) => {
          const isNew = !rows.has(row.key);
          rows.set(row.key, row);
          await appendRow(dir, row);
          if (isNew && row.state !== "ok") bar?.increment(o.rounds);
          if (!bar && isNew && row.state !== "ok") o.log(`  ${row.key}: ${row.state}`);
        };
        const onRound = async (record: RoundRecord) => {
          await appendRound(dir, record);
          rounds.set(record.key, [...(rounds.get(record.key) ?? []).filter((r) => r.round !== record.round), record]);
          bar?.increment();
          if (!bar) o.log(`  ${record.key}: ${record.measured ? `p50 ${record.measured.latency.p50.toPrecision(3)} ms` : `round failed: ${record.error ?? ""}`}`);
        };
        const status = plan.eps.find((e) => e.name === job.ep);
        if (status?.state === "skipped" && !job.loadError) {
          for (const b of batches) {
            await onRow({ key: rowKey(job, b), model: job.model, precision: job.precision, ep: job.ep, batch: b, onnxPath: job.onnxPath, finishedAt: new Date().toISOString(), state: "skipped", reason: status.reason, fix: status.fix });
          }
          continue;
        }
        const runner = registry.runners.find((r) => r.name === job.ep);
        if (!runner) throw new Error(`Unknown EP "${job.ep}" in ${join(dir, RUN_FILES.plan)}. Expected one of: ${registry.runners.map((r) => r.name).join(", ")}`);
        const previous = new Map<number, { row: OkRow; records: RoundRecord[] }>();
        for (const b of batches) {
          const row = rows.get(rowKey(job, b));
          if (row?.state === "ok") previous.set(b, { row, records: rounds.get(row.key) ?? [] });
        }
        const outcome = await runJob(job, {
          runner,
          speedProbeMs: speedProbeMs(),
          options: o,
          batches,
          round,
          previous,
          traceDir: join(dir, RUN_FILES.traces),
          predictionsFile: predictionsPath(dir, job),
          signal: controller.signal,
          onRow,
          onRound,
        });
        if (outcome === "stopped") {
          stopped = true;
          break rounds;
        }
      }
    }
  } catch (e) {
    failure = e;
  } finally {
    process.off("SIGINT", onSigint);
    controller.abort();
    bar?.stop();
  }
  const results = await finalizeRun(dir, plan, o.cvThreshold);
  if (failure) {
    o.log(`\nThe profiler failed; ${results.rows.length} of ${planned.length} rows are kept in ${dir}`);
    o.log(`Resume with: npm run profile -- --resume ${dir}`);
    throw failure;
  }
  if (o.printTable) o.log("\n" + renderResultsTable(results));
  if (stopped || !results.complete) {
    o.log(`\nStopped: ${results.rows.length} of ${planned.length} rows (${planned.reduce((n, p) => n + roundsDone(p.key), 0)} of ${total} row-rounds) finished and kept in ${dir}`);
    o.log(`Resume with: npm run profile -- --resume ${dir}`);
  } else {
    o.log(`\nRun dir: ${dir}`);
  }
  return { dir, results, complete: results.complete };
}
