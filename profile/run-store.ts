/**
 * The one owner of a run directory's files: `plan.json` (written once), the append-only
 * `facts.jsonl` and `rounds.jsonl` (everything measured, line by line, so Ctrl-C or a crash
 * loses at most the child in flight), and `results.json` / `results.csv` /
 * `comparisons.csv`, rebuilt from them (`build-rows.ts`). It answers what is still to do
 * (`run-tasks.ts`), so the profiler's loop and `--resume` are the same code.
 */
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { hostname, loadavg } from "node:os";
import { join } from "node:path";
import { percentile } from "../measure/index.ts";
import { buildRows, type BuiltRows } from "./build-rows.ts";
import { comparisonsToCsv, rowsToCsv } from "./results-csv.ts";
import { RESULTS_SCHEMA_VERSION, RUN_FILES, type OkRow, type RunResults } from "../formats/run/results-schema.ts";
import {
  appendFacts,
  appendTiming,
  predictionsPath,
  readFacts,
  readTimings,
  timingKey,
  type FactsRecord,
  type TimingRecord,
} from "../formats/run/run-records.ts";
import { readPlan, writePlan, type RunPlan } from "../formats/run/run-plan.ts";
import { pendingTasks, type RunTask } from "./run-tasks.ts";
import { ensureOutputDir } from "../formats/output-dir.ts";
import { lockRunDir } from "./run-lock.ts";
import { appendScenario, readScenarios, scenarioKey, type ScenarioRecord } from "../formats/run/scenario-schema.ts";
import { buildScenarioRows } from "./scenario-records.ts";

/** Creates `<out>/runs/<timestamp>-<host>/` and returns its path and id. */
export async function createRunDir(out: string, now = new Date()): Promise<{ dir: string; runId: string }> {
  const stamp = now
    .toISOString()
    .replace(/[:.]/g, "-")
    .replace(/-\d{3}Z$/, "Z");
  const host = hostname().replace(/[^A-Za-z0-9_-]/g, "_") || "host";
  const runs = await ensureOutputDir(join(out, "runs"), "--out");
  // mkdir without `recursive` fails on an existing dir: a second run started in the same second gets -2, never the first one's dir.
  for (let k = 1; ; k++) {
    const runId = k === 1 ? `${stamp}-${host}` : `${stamp}-${host}-${k}`;
    const dir = join(runs, runId);
    try {
      await mkdir(dir);
      return { dir: join(out, "runs", runId), runId };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
  }
}

/** Top-1 agreement of two prediction files over their common prefix, or null. */
async function agreement(a: string, b: string): Promise<number | null> {
  try {
    const [x, y] = await Promise.all([readFile(a), readFile(b)]);
    const n = Math.min(x.length, y.length);
    if (n === 0) return null;
    let same = 0;
    for (let i = 0; i < n; i++) if (x[i] === y[i]) same++;
    return same / n;
  } catch {
    return null;
  }
}

/** Min, median and max of the speed-probe times (one per timing child), or null. */
function probeSummary(records: readonly TimingRecord[]): NonNullable<RunResults["stability"]["speedProbeMs"]> | null {
  const perChild = new Map<string, number>();
  for (const r of records) if (r.speedProbeMs !== undefined) perChild.set(`${r.round}|${r.group}`, r.speedProbeMs);
  if (perChild.size === 0) return null;
  const sorted = [...perChild.values()].sort((a, b) => a - b);
  return { min: sorted[0]!, median: percentile(sorted, 50), max: sorted.at(-1)!, count: sorted.length };
}

/** A run directory: its plan, what was measured, and what is left. */
export class RunStore {
  private constructor(
    readonly dir: string,
    readonly plan: RunPlan,
    /** Timing rounds per row. */
    readonly rounds: number,
    private readonly facts: Map<string, FactsRecord>,
    private readonly timings: Map<string, TimingRecord>,
    private readonly scenarios: Map<string, ScenarioRecord> = new Map(),
    /** Releases the run dir's lock (`run-lock.ts`). */
    readonly release: () => Promise<void>,
  ) {}

  /** Writes `plan` into a new run dir under `<out>/runs/` (the dir appears only with its plan, so every run dir can be resumed). */
  static async create(out: string, plan: Omit<RunPlan, "runId">, rounds: number): Promise<RunStore> {
    const { dir, runId } = await createRunDir(out);
    const release = await lockRunDir(dir);
    const full: RunPlan = { ...plan, runId };
    await writePlan(dir, full);
    await ensureOutputDir(join(dir, RUN_FILES.predictions));
    return new RunStore(dir, full, rounds, new Map(), new Map(), new Map(), release);
  }

  /** Opens a run dir to resume; the error says what to give instead when it is not one this version can resume. */
  static async open(dir: string): Promise<RunStore> {
    const plan = await readPlan(dir);
    const hasV1Rows = await stat(join(dir, RUN_FILES.jsonl)).then(
      () => true,
      () => false,
    );
    const hasFacts = await stat(join(dir, RUN_FILES.facts)).then(
      () => true,
      () => false,
    );
    if (hasV1Rows && !hasFacts) {
      throw new Error(
        `Cannot resume "${dir}": it was measured by an older version of the profiler (rows in ${RUN_FILES.jsonl}, no ${RUN_FILES.facts}). Start a new run; npm run report still reads it.`,
      );
    }
    await ensureOutputDir(join(dir, RUN_FILES.predictions), "--resume");
    // Locked before the records are read, so a second --resume never plans the same rounds.
    const release = await lockRunDir(dir);
    const rounds = plan.settings.rounds ?? 1;
    return new RunStore(dir, plan, rounds, await readFacts(dir), await readTimings(dir), await readScenarios(dir), release);
  }

  /** The children still to run, in order. */
  pending(): RunTask[] {
    return pendingTasks(this.plan, this.facts, this.timings, this.rounds, this.scenarios);
  }

  /** Appends facts records (before they count as done). */
  async recordFacts(records: readonly FactsRecord[]): Promise<void> {
    for (const r of records) {
      await appendFacts(this.dir, r);
      this.facts.set(r.key, r);
    }
  }

  /** Appends timing records. */
  async recordTimings(records: readonly TimingRecord[]): Promise<void> {
    for (const r of records) {
      await appendTiming(this.dir, r);
      this.timings.set(timingKey(r), r);
    }
  }

  /** Appends load-scenario records (`scenarios.jsonl`). */
  async recordScenarios(records: readonly ScenarioRecord[]): Promise<void> {
    for (const r of records) {
      await appendScenario(this.dir, r);
      this.scenarios.set(scenarioKey(r), r);
    }
  }

  /** Every row and comparison the records give so far. */
  build(cvThreshold: number): BuiltRows {
    return buildRows({ plan: this.plan, facts: this.facts, timings: this.timings, rounds: this.rounds, cvThreshold });
  }

  /**
   * Writes `results.json`, `results.csv` and `comparisons.csv` from the records, adding
   * FP32↔other-precision top-1 agreement and the run's stability summary. Returns the results.
   */
  async finalize(cvThreshold: number): Promise<RunResults> {
    const built = this.build(cvThreshold);
    const rows = await Promise.all(
      built.rows.map(async (row) => {
        if (row.state !== "ok" || row.precision === "fp32" || !row.accuracy) return row;
        const fp32 = predictionsPath(this.dir, { ...row, precision: "fp32" });
        return { ...row, agreementWithFp32: await agreement(fp32, predictionsPath(this.dir, row)) };
      }),
    );
    const ok = rows.filter((r): r is OkRow => r.state === "ok");
    const loads = ok.map((r) => r.loadAverage1m);
    const load = loads.length > 0 ? loads : [loadavg()[0] ?? 0];
    const results: RunResults = {
      schemaVersion: RESULTS_SCHEMA_VERSION,
      runId: this.plan.runId,
      startedAt: this.plan.startedAt,
      finishedAt: new Date().toISOString(),
      complete: built.complete && !this.pending().some((t) => t.kind === "scenario"),
      hardware: this.plan.hardware,
      eps: this.plan.eps,
      settings: this.plan.settings,
      stability: {
        loadAverage1m: { min: Math.min(...load), max: Math.max(...load), mean: load.reduce((a, b) => a + b, 0) / load.length },
        highCvRows: ok.filter((r) => (r.latency.robustCv ?? r.latency.cv) > cvThreshold).map((r) => r.key),
        highRoundsCvRows: ok.filter((r) => (r.roundsCv ?? 0) > cvThreshold).map((r) => r.key),
        maxRoundsCv: this.rounds > 1 && ok.length > 0 ? Math.max(...ok.map((r) => r.roundsCv ?? 0)) : null,
        speedProbeMs: probeSummary([...this.timings.values()]),
        cvThreshold,
      },
      rows,
      comparisons: built.comparisons,
      scenarios: buildScenarioRows(this.plan, this.scenarios),
    };
    await writeFile(join(this.dir, RUN_FILES.results), JSON.stringify(results, null, 2) + "\n");
    await writeFile(join(this.dir, RUN_FILES.csv), rowsToCsv(rows));
    await writeFile(join(this.dir, RUN_FILES.comparisonsCsv), comparisonsToCsv(built.comparisons));
    return results;
  }
}
