/**
 * The files of a run directory: the append-only `results.jsonl` (one row per line as
 * rows finish; a later line with the same key replaces an earlier one) and the final
 * `results.json` + `results.csv` assembled from it.
 */
import { appendFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { hostname, loadavg } from "node:os";
import { join } from "node:path";
import { rowKey, type RunPlan } from "./run-plan.ts";
import { RESULTS_SCHEMA_VERSION, RowSchema, RUN_FILES, type OkRow, type ResultRow, type RunResults } from "./results-schema.ts";
import { readRounds, type RoundRecord } from "./row-rounds.ts";
import { percentile } from "../measure/statistics.ts";
import { rowsToCsv } from "./results-csv.ts";

/** Creates `<out>/runs/<timestamp>-<host>/` and returns its path and id. */
export async function createRunDir(out: string, now = new Date()): Promise<{ dir: string; runId: string }> {
  const stamp = now.toISOString().replace(/[:.]/g, "-").replace(/-\d{3}Z$/, "Z");
  const host = hostname().replace(/[^A-Za-z0-9_-]/g, "_") || "host";
  const runId = `${stamp}-${host}`;
  const dir = join(out, "runs", runId);
  await mkdir(dir, { recursive: true });
  return { dir, runId };
}

/** Appends one row to `results.jsonl`. */
export async function appendRow(dir: string, row: ResultRow): Promise<void> {
  await appendFile(join(dir, RUN_FILES.jsonl), JSON.stringify(row) + "\n");
}

/** Reads `results.jsonl`: last row per key wins; a torn last line (crash mid-write) is ignored. */
export async function readRows(dir: string): Promise<Map<string, ResultRow>> {
  const rows = new Map<string, ResultRow>();
  let text = "";
  try {
    text = await readFile(join(dir, RUN_FILES.jsonl), "utf8");
  } catch {
    return rows;
  }
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const parsed = RowSchema.safeParse(JSON.parse(line));
      if (parsed.success) rows.set(parsed.data.key, parsed.data);
    } catch {
      // torn line from an interrupted write
    }
  }
  return rows;
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

/** Min, median and max of the speed-probe times, one per child (the rounds of a child's rows share its reading), or null. */
function probeSummary(records: readonly RoundRecord[]): NonNullable<RunResults["stability"]["speedProbeMs"]> | null {
  const perChild = new Map<string, number>();
  for (const r of records) {
    // A child measures one model × precision × EP in one round: the row key without its batch.
    if (r.speedProbeMs !== undefined) perChild.set(`${r.round}|${r.key.slice(0, r.key.lastIndexOf("|"))}`, r.speedProbeMs);
  }
  if (perChild.size === 0) return null;
  const sorted = [...perChild.values()].sort((a, b) => a - b);
  return { min: sorted[0]!, median: percentile(sorted, 50), max: sorted.at(-1)!, count: sorted.length };
}

/** Path of a job's predictions file inside the run dir. */
export function predictionsPath(dir: string, job: { model: string; precision: string; ep: string }): string {
  return join(dir, RUN_FILES.predictions, `${job.model}.${job.precision}.${job.ep}.bin`.replace(/[^A-Za-z0-9_.-]/g, "_"));
}

/**
 * Assembles `results.json` and `results.csv` from the plan and `results.jsonl`, adding
 * FP32↔other-precision agreement and the run's stability summary. The run is complete
 * when every planned row exists and every ok row has had all its rounds. Returns the results.
 */
export async function finalizeRun(dir: string, plan: RunPlan, cvThreshold: number): Promise<RunResults> {
  const byKey = await readRows(dir);
  const rounds = await readRounds(dir);
  const wanted = typeof plan.settings.rounds === "number" ? plan.settings.rounds : 1;
  let roundsMissing = false;
  const ordered: ResultRow[] = [];
  let planned = 0;
  for (const job of plan.jobs) {
    for (const batch of job.batches) {
      planned++;
      const row = byKey.get(rowKey(job, batch));
      if (!row) continue;
      if (row.state === "ok" && wanted > 1 && (rounds.get(row.key)?.length ?? 0) < wanted) roundsMissing = true;
      if (row.state === "ok" && row.precision !== "fp32" && row.accuracy) {
        const fp32 = predictionsPath(dir, { ...job, precision: "fp32" });
        ordered.push({ ...row, agreementWithFp32: await agreement(fp32, predictionsPath(dir, job)) });
      } else {
        ordered.push(row);
      }
    }
  }
  const ok = ordered.filter((r): r is OkRow => r.state === "ok");
  const loads = ok.map((r) => r.loadAverage1m);
  const load = loads.length > 0 ? loads : [loadavg()[0] ?? 0];
  const results: RunResults = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    runId: plan.runId,
    startedAt: plan.startedAt,
    finishedAt: new Date().toISOString(),
    complete: ordered.length === planned && !roundsMissing,
    hardware: plan.hardware,
    eps: plan.eps,
    settings: plan.settings,
    stability: {
      loadAverage1m: { min: Math.min(...load), max: Math.max(...load), mean: load.reduce((a, b) => a + b, 0) / load.length },
      highCvRows: ok.filter((r) => (r.latency.robustCv ?? r.latency.cv) > cvThreshold).map((r) => r.key),
      highRoundsCvRows: ok.filter((r) => (r.roundsCv ?? 0) > cvThreshold).map((r) => r.key),
      maxRoundsCv: wanted > 1 && ok.length > 0 ? Math.max(...ok.map((r) => r.roundsCv ?? 0)) : null,
      speedProbeMs: probeSummary([...rounds.values()].flat()),
      cvThreshold,
    },
    rows: ordered,
  };
  await writeFile(join(dir, RUN_FILES.results), JSON.stringify(results, null, 2) + "\n");
  await writeFile(join(dir, RUN_FILES.csv), rowsToCsv(ordered));
  return results;
}
