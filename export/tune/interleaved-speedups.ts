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
