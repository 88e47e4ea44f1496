/**
 * Achieved throughput of a row against its EP's measured ceilings: the row's work per
 * `session.run` (from plan.json's jobs, or counted from its ONNX file for older runs)
 * ÷ its p50, as GFLOP/s (GOP/s when most MACs are integer), its share of the matching
 * compute ceiling, and whether the model is compute- or memory-bound on that roofline.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { readOnnx } from "../formats/onnx/onnx-io.ts";
import { realInputs, workPerBatch } from "../profile/index.ts";
import type { EpCeilings } from "../formats/run/ceiling-cache.ts";
import type { ModelWork } from "../formats/run/model-work-schema.ts";
import type { OkRow, ResultRow } from "../formats/run/results-schema.ts";
import { RunPlanSchema } from "../formats/run/run-plan.ts";

/** Work by row key `model|precision|ep|batch`. */
export type WorkByRow = ReadonlyMap<string, ModelWork>;

/** The figures of one row on its EP's roofline. */
export interface Achieved {
  /** Ops of one run ÷ p50, in 10⁹ per second: GFLOP/s for float rows, GOP/s for integer ones. */
  readonly gops: number;
  readonly unit: "GFLOP/s" | "GOP/s";
  /** FLOP (or op) per byte at this batch. */
  readonly intensity: number;
  /** Share of the EP's measured ceiling for this precision, 0..1 (null without ceilings). */
  readonly ceilingShare: number | null;
  /**
   * The roof the row is under at its intensity: `compute`, `memory` (below the ridge: the
   * bandwidth slope is lower than the compute ceiling), or `cache` (below the ridge but
   * above the measured DRAM slope: its working set stays in the CPU caches); null without ceilings.
   */
  readonly bound: "compute" | "memory" | "cache" | null;
  /** The roofline's attainable figure at this intensity: min(compute ceiling, bandwidth × intensity). */
  readonly attainable: number | null;
}

/** True when most of the row's MACs are integer (its figures are GOP/s against the INT8 ceiling). */
export function isIntegerWork(w: ModelWork): boolean {
  return w.macs > 0 && w.intMacs / w.macs > 0.5;
}

/** The compute ceiling that applies to `w` on `c` (INT8 for integer work, else FP32). */
export function computeCeiling(w: ModelWork, c: EpCeilings | undefined): number | null {
  if (!c) return null;
  return isIntegerWork(w) ? (c.int8Gops ?? c.fp32Gflops) : c.fp32Gflops;
}

/**
 * The time a row's work takes on its device, ms: a GPU row's on-device median (its
 * device-resident copy: no host transfer) where measured, else its end-to-end median. The
 * roofline, "% of ceiling" and "bound" use it: the device ceilings exclude the link too.
 */
export function deviceP50(r: Pick<OkRow, "latency" | "onDevice">): number {
  return r.onDevice?.p50Ms ?? r.latency.p50;
}

/** A row's achieved figures from its work, p50 (ms) and its EP's ceilings. */
export function achieved(w: ModelWork, p50Ms: number, c: EpCeilings | undefined): Achieved {
  const gops = w.flops / (p50Ms * 1e6);
  const roof = computeCeiling(w, c);
  const bw = c?.bandwidthGBs ?? null;
  const attainable = roof !== null && bw !== null ? Math.min(roof, bw * w.intensity) : roof;
  const slope = bw !== null ? bw * w.intensity : null;
  const bound = roof !== null && slope !== null ? (slope >= roof ? "compute" : gops > slope ? "cache" : "memory") : null;
  return { gops, unit: isIntegerWork(w) ? "GOP/s" : "GFLOP/s", intensity: w.intensity, ceilingShare: roof ? gops / roof : null, bound, attainable };
}

/**
 * The work of every row of a run: plan.json's per-job work when it has it, else counted
 * from each row's ONNX file (runs planned before work counting existed). Rows whose model
 * cannot be read are left out.
 */
export async function loadRowWork(
  runDir: string,
  rows: readonly ResultRow[],
  shapes: Readonly<Record<string, readonly number[]>> = {},
): Promise<Map<string, ModelWork>> {
  const out = new Map<string, ModelWork>();
  try {
    const plan = RunPlanSchema.safeParse(JSON.parse(await readFile(join(runDir, "plan.json"), "utf8")));
    if (plan.success) {
      for (const job of plan.data.jobs) for (const w of job.work ?? []) out.set(`${job.model}|${job.precision}|${job.ep}|${w.batch}`, w);
    }
  } catch {
    // no plan.json: count from the ONNX files below
  }
  const missing = rows.filter((r) => r.state === "ok" && !out.has(r.key));
  const byFile = new Map<string, OkRow[]>();
  for (const r of missing as OkRow[]) byFile.set(r.onnxPath, [...(byFile.get(r.onnxPath) ?? []), r]);
  for (const [path, fileRows] of byFile) {
    try {
      const model = await readOnnx(path);
      const works = workPerBatch(model, realInputs(model.graph), [...new Set(fileRows.map((r) => r.batch))], shapes);
      for (const r of fileRows) {
        const w = works.find((x) => x.batch === r.batch);
        if (w) out.set(r.key, w);
      }
    } catch {
      // unreadable model: its rows get no work figures
    }
  }
  return out;
}
