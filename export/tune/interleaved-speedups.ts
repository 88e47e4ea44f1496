/**
 * Times FP32 and every INT8 candidate side by side in one interleaved window
 * (`measure/interleave.ts`) and gives each candidate's paired speedup over FP32.
 */
import { measureInterleaved, pairedSpeedup, type BlockTimer, type InterleaveSettings, type SpeedupEstimate } from "../../measure/index.ts";

/** The baseline variant's name in the interleaved window. */
export const FP32_VARIANT = "fp32";

/**
 * Runs `fp32` and `candidates` (timers named after the candidates) in one
 * {@link measureInterleaved} call; returns candidate name → speedup (FP32 time ÷ candidate
 * time, null when no cycle holds both) and the cycles run.
 */
export async function interleavedSpeedups(
  fp32: BlockTimer,
  candidates: readonly BlockTimer[],
  settings: InterleaveSettings,
): Promise<{ speedups: Map<string, SpeedupEstimate | null>; cycles: number }> {
  if (fp32.name !== FP32_VARIANT) throw new Error(`The baseline timer must be named "${FP32_VARIANT}", got "${fp32.name}"`);
  const result = await measureInterleaved([fp32, ...candidates], settings);
  const speedups = new Map(candidates.map((c) => [c.name, pairedSpeedup(result.blocks, FP32_VARIANT, c.name)]));
  return { speedups, cycles: result.cycles };
}

/** One variant of a thread-searching window: a model (`name`) at `threads` intra-op threads (0 = ORT's default). */
export interface ThreadedTimer {
  readonly name: string;
  readonly threads: number;
  readonly timer: BlockTimer;
}

/** The block-median median of `variant` in `blocks` (Infinity when it has none). */
function medianOfBlocks(blocks: readonly { variant: string; medianMs: number }[], variant: string): number {
  const ms = blocks
    .filter((b) => b.variant === variant)
    .map((b) => b.medianMs)
    .sort((a, b) => a - b);
  return ms.length === 0 ? Infinity : ms[Math.floor(ms.length / 2)]!;
}

/**
 * Times every model at every thread setting in one window, picks each model's fastest setting
 * (the lowest median of its block medians), and gives each candidate's paired speedup at its
 * fastest setting over FP32 at FP32's fastest, with the settings chosen. Timers must be named
 * `<name>@<threads>`; FP32's name is {@link FP32_VARIANT}.
 */
export async function interleavedSpeedupsOverThreads(
  timers: readonly ThreadedTimer[],
  settings: InterleaveSettings,
): Promise<{ speedups: Map<string, SpeedupEstimate | null>; threads: Map<string, number>; cycles: number }> {
  if (!timers.some((t) => t.name === FP32_VARIANT)) throw new Error(`The window needs the baseline "${FP32_VARIANT}"`);
  const result = await measureInterleaved(
    timers.map((t) => t.timer),
    settings,
  );
  const best = new Map<string, { threads: number; variant: string; ms: number }>();
  for (const t of timers) {
    const ms = medianOfBlocks(result.blocks, t.timer.name);
    const was = best.get(t.name);
    if (!was || ms < was.ms) best.set(t.name, { threads: t.threads, variant: t.timer.name, ms });
  }
  const base = best.get(FP32_VARIANT)!;
  const speedups = new Map<string, SpeedupEstimate | null>();
  for (const [name, b] of best) if (name !== FP32_VARIANT) speedups.set(name, pairedSpeedup(result.blocks, base.variant, b.variant));
  return { speedups, threads: new Map([...best].map(([n, b]) => [n, b.threads])), cycles: result.cycles };
}
