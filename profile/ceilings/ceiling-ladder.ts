/**
 * Sizing a ceiling to the machine (pure): each kind climbs a ladder of problem sizes
 * (device-models.ts) until its rate stops rising, a run gets too long, or the memory or
 * time allowed is spent. One fixed shape picked for a 2-core VM read 10-140x below an
 * H200 and a 16-core Xeon; a ladder finds each machine's own knee.
 */
import type { CeilingKind } from "../../formats/run/ceiling-cache.ts";
import { ladderLength } from "./device-models.ts";

/** Where a kind's ladder starts and ends on one EP, and its limits. */
export interface LadderPlan {
  readonly kind: CeilingKind;
  /** First and last rung (inclusive) of the kind's ladder. */
  readonly first: number;
  readonly last: number;
  /** A rung whose median run is longer than this stops the climb, ms. */
  readonly maxRunMs: number;
  /** Measuring time per rung after its warm-up, ms (at least 3 runs). */
  readonly measureMs: number;
  /** The whole ladder's time limit, ms: no rung starts past it. */
  readonly budgetMs: number;
}

/** One measured rung. */
export interface LadderStep {
  readonly rung: number;
  /** Problem size (MatMul side, Conv c²·hw², float elements). */
  readonly size: number;
  /** The figure at the rung's median run: GFLOP/s, GOP/s or GB/s. */
  readonly value: number;
  readonly p50Ms: number;
  readonly runs: number;
}

/** A rung must beat the best before it by this factor to count as still rising. */
export const RISE = 1.05;
/** Rungs in a row that do not rise before the climb stops. */
export const FLAT_RUNGS = 2;

/** Why a climb stopped, for the figure's record. */
export type LadderStop = "flat" | "run-too-long" | "top-rung" | "budget" | "error";

/**
 * The next rung to measure after `steps`, or why the climb stops. `elapsedMs` is the time
 * the ladder has taken so far.
 */
export function nextRung(plan: LadderPlan, steps: readonly LadderStep[], elapsedMs: number): { rung: number } | { stop: LadderStop } {
  const last = steps.at(-1);
  if (!last) return { rung: plan.first };
  if (last.p50Ms > plan.maxRunMs) return { stop: "run-too-long" };
  if (flatFor(steps) >= FLAT_RUNGS) return { stop: "flat" };
  if (last.rung >= plan.last) return { stop: "top-rung" };
  if (elapsedMs >= plan.budgetMs) return { stop: "budget" };
  return { rung: last.rung + 1 };
}

/** How many of the last rungs failed to beat the best rung before each by {@link RISE}. */
export function flatFor(steps: readonly LadderStep[]): number {
  let flat = 0;
  let best = -Infinity;
  for (const s of steps) {
    if (s.value > best * RISE) {
      flat = 0;
    } else flat++;
    best = Math.max(best, s.value);
  }
  return flat;
}

/** The ceiling of a climb: its best rung (undefined when none was measured). */
export function bestStep(steps: readonly LadderStep[]): LadderStep | undefined {
  return steps.reduce<LadderStep | undefined>((b, s) => (!b || s.value > b.value ? s : b), undefined);
}

/** The kinds measured on `ep`, in order: integer kernels only where the EP has them, float16 only on GPUs, the link only where there is one. */
export function ceilingKindsFor(ep: string): CeilingKind[] {
  if (ep === "cpu") return ["fp32-matmul", "fp32-conv", "int8-qlinearmatmul", "int8-matmulinteger", "bandwidth"];
  if (ep === "cuda") return ["fp32-matmul", "fp16-matmul", "fp32-conv", "bandwidth", "link-h2d", "link-d2h"];
  if (ep === "webgpu") return ["fp32-matmul", "fp16-matmul", "bandwidth", "link-h2d", "link-d2h"];
  return ["fp32-matmul", "bandwidth"];
}

const STREAMS: readonly CeilingKind[] = ["bandwidth", "link-h2d", "link-d2h"];

/**
 * The ladder of `kind` on `ep`. A CPU starts its matmuls at 256 and its bandwidth at 64 MiB
 * (past any lab CPU's last-level cache, so the figure is DRAM's); a GPU starts at 512 and
 * 16 MiB (smaller problems only time the launch). `quick` keeps a smoke run to a second or
 * so per kind. A `software` adapter (SwiftShader: the GPU emulated on the CPU, ~1 GFLOP/s)
 * starts at the smallest rungs with short runs, as a quick CPU would.
 */
export function ladderPlan(kind: CeilingKind, ep: string, quick: boolean, software = false): LadderPlan {
  if (software) return { ...ladderPlan(kind, "cpu", true), maxRunMs: 200, first: 0 };
  const gpu = ep === "cuda" || ep === "webgpu";
  const top = ladderLength(kind) - 1;
  const stream = STREAMS.includes(kind);
  // rungs: matmul sides 128,192,256,384,512,…; conv shapes; stream elements 2^20 (4 MiB) … 2^28 (1 GiB)
  const first = stream ? (gpu ? 2 : quick ? 2 : 4) : kind === "fp32-conv" ? (gpu ? 3 : 1) : gpu ? 4 : quick ? 0 : 2;
  const last = quick ? Math.min(top, first + 2) : stream ? Math.min(top, gpu ? 8 : 7) : top;
  return {
    kind,
    first: Math.min(first, top),
    last,
    maxRunMs: quick ? 100 : 500,
    measureMs: quick ? 100 : 300,
    budgetMs: quick ? 3000 : 20000,
  };
}
