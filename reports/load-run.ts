/**
 * Reads what a report needs: the run's `results.json` and, for each profiled model, the
 * `train.json` and `export.json` beside its ONNX file (when the model came from the zoo).
 */
import { dirname } from "node:path";
import { readRunResults, type OkRow, type ResultRow, type RunResults } from "../formats/run/results-schema.ts";
import type { ModelWork } from "../formats/run/model-work-schema.ts";
import { artifactsRootOf, readCeilings, type EpCeilings } from "../formats/run/ceiling-cache.ts";
import { readRunCeilings } from "../formats/run/run-ceilings.ts";
import { loadRowWork } from "./achieved-work.ts";
import { readTrainRecord, type TrainRecord } from "../formats/model-dir.ts";
import { readExportRecord, type ExportRecord } from "../formats/export-record.ts";

/** A trained model directory and its records (absent records are undefined). */
export interface ModelRecords {
  /** Model name as the run's rows spell it. */
  readonly model: string;
  readonly dir: string;
  readonly train?: TrainRecord;
  readonly exported?: ExportRecord;
}

/** Everything a report reads. */
export interface ReportData {
  readonly runDir: string;
  readonly results: RunResults;
  /** Records by model name (from the rows' ONNX directories). */
  readonly models: ReadonlyMap<string, ModelRecords>;
  /** Extra trained model directories given by the user (training tables only). */
  readonly extraModels: readonly ModelRecords[];
  /** Work of one `session.run` by row key (plan.json, else counted from the ONNX files). */
  readonly work: ReadonlyMap<string, ModelWork>;
  /**
   * Measured ceilings of the run's machine per EP: the run's `ceilings.json`, else (a run made
   * before that file) the machine's cache under the artifacts root; empty when never measured.
   */
  readonly ceilings: readonly EpCeilings[];
}

async function readRecords(model: string, dir: string): Promise<ModelRecords> {
  const [train, exported] = await Promise.all([readTrainRecord(dir).catch(() => undefined), readExportRecord(dir).catch(() => undefined)]);
  return { model, dir, ...(train ? { train } : {}), ...(exported ? { exported } : {}) };
}

/**
 * Reads a run directory, the model records its rows point to, the rows' work and the
 * ceilings the run recorded (a run without `ceilings.json`: the machine's cache under
 * `ceilingsRoot`, default the run's artifacts root).
 */
export async function loadReportData(runDir: string, extraModelDirs: readonly string[] = [], ceilingsRoot = artifactsRootOf(runDir)): Promise<ReportData> {
  const results = await readRunResults(runDir);
  const dirs = new Map<string, string>();
  for (const r of results.rows) if (!dirs.has(r.model)) dirs.set(r.model, dirname(r.onnxPath));
  const entries = await Promise.all([...dirs].map(async ([model, dir]) => [model, await readRecords(model, dir)] as const));
  const extraModels = await Promise.all(
    extraModelDirs.map(async (dir) => {
      const rec = await readRecords(dir, dir);
      if (!rec.train) throw new Error(`Model directory "${dir}" has no readable train.json. Train it first: npm run train -- --model <name> --out <dir>`);
      return { ...rec, model: rec.train.model };
    }),
  );
  const shapes = results.settings.shapes ?? {};
  const [work, ceilings] = await Promise.all([loadRowWork(runDir, results.rows, shapes), runCeilings(runDir, results, ceilingsRoot)]);
  return { runDir, results, models: new Map(entries), extraModels, work, ceilings };
}

/** The ceilings `runDir` recorded, else (an older run) those cached for its machine under `ceilingsRoot`. */
async function runCeilings(runDir: string, results: RunResults, ceilingsRoot: string): Promise<EpCeilings[]> {
  return (await readRunCeilings(runDir)) ?? readCeilings(ceilingsRoot, results.hardware);
}

/** The ok rows of a run. */
export function okRows(rows: readonly ResultRow[]): OkRow[] {
  return rows.filter((r): r is OkRow => r.state === "ok");
}

/** Model names in first-seen order. */
export function modelNames(rows: readonly ResultRow[]): string[] {
  return [...new Set(rows.map((r) => r.model))];
}

/**
 * The row that stands for a model in one-row-per-model tables: the given precision
 * (default fp32), the CPU EP when measured (else the first EP with an ok row), and the
 * smallest batch.
 */
export function representativeRow(rows: readonly OkRow[], model: string, precision = "fp32"): OkRow | undefined {
  const mine = rows.filter((r) => r.model === model && r.precision === precision);
  const ep = mine.some((r) => r.ep === "cpu") ? "cpu" : mine[0]?.ep;
  return mine.filter((r) => r.ep === ep).sort((a, b) => a.batch - b.batch)[0];
}

/** Test accuracy of a model, fraction 0..1: the run's measured top-1, else train.json's test accuracy. */
export function modelAccuracy(row: OkRow | undefined, train: TrainRecord | undefined): number | null {
  return row?.accuracy?.top1 ?? train?.test.accuracy ?? null;
}
