/**
 * What the GPU rows' compute/transfer split says, in words (device-resident.ts): one sentence
 * per GPU EP on what dominates and from which batch the device's own time outweighs the
 * transfer, and where INT8 runs as float ops on that EP, that it does. The terminal and the
 * report print the same sentences.
 */
import type { Comparison, OkRow } from "../formats/run/results-schema.ts";

/** EPs whose INT8 QDQ models run as float ops (DequantizeLinear, then FP32 kernels). */
const INT8_AS_FLOAT: Readonly<Record<string, string>> = {
  cuda: "the CUDA EP runs INT8 QDQ models as float ops (DequantizeLinear, then its FP32 kernels)",
  webgpu: "the WebGPU EP registers only DequantizeLinear: INT8 models run as float ops",
  "browser-webgpu": "WebGPU runs INT8 models as float ops after DequantizeLinear",
};

const pct = (x: number) => `${(x * 100).toFixed(0)}%`;

/** One sentence per GPU EP with split rows: the transfer share at the smallest and largest batch, and the first batch where the device's time exceeds the transfer. */
export function gpuSplitSentences(rows: readonly OkRow[], comparisons: readonly Comparison[]): string[] {
  const out: string[] = [];
  const eps = [...new Set(rows.filter((r) => r.onDevice).map((r) => r.ep))];
  for (const ep of eps) {
    const split = rows.filter((r) => r.ep === ep && r.onDevice && r.precision === "fp32");
    const batches = [...new Set(split.map((r) => r.batch))].sort((a, b) => a - b);
    const shareAt = (b: number) => {
      const xs = split.filter((r) => r.batch === b).map((r) => r.onDevice!.transferShare);
      return xs.length > 0 ? xs.reduce((s, x) => s + x, 0) / xs.length : null;
    };
    const first = batches[0];
    const last = batches.at(-1);
    if (first === undefined || last === undefined) continue;
    const s0 = shareAt(first)!;
    const s1 = shareAt(last)!;
    const pays = batches.find((b) => (shareAt(b) ?? 1) < 0.5);
    const dominated = s0 >= 0.5 ? "transfer, launch and synchronisation dominate" : "the device's own time dominates";
    out.push(
      `${ep}: at batch ${first} ${dominated} (transfer ${pct(s0)} of the end-to-end time, FP32 mean over models)` +
        (last !== first ? `; at batch ${last} transfer is ${pct(s1)}` : "") +
        (pays !== undefined
          ? `; from batch ${pays} the device's own time outweighs the transfer.`
          : `; at no batch measured did the device's own time outweigh the transfer: these models are too small to keep this GPU busy, larger batches would.`),
    );
    const slower = comparisons.filter((c) => c.kind === "precision" && c.ep === ep && c.variant === "int8" && c.verdict === "slower");
    if (INT8_AS_FLOAT[ep] && slower.length > 0) {
      const sp = slower.map((c) => c.speedup);
      out.push(
        `${ep}: INT8 is slower than FP32 here (${Math.min(...sp).toFixed(2)}–${Math.max(...sp).toFixed(2)}× in ${slower.length} row(s)) because ${INT8_AS_FLOAT[ep]}; that is the EP, not the quantization.`,
      );
    }
  }
  return out;
}
