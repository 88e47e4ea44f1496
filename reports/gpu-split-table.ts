/**
 * The GPU rows split into on-device time and transfer (profile/device-resident.ts), with the
 * GPU memory and energy of each row, and one sentence per GPU EP: what dominates, and from
 * which batch the device's own time outweighs the transfer. Where INT8 runs as float ops
 * (CUDA, WebGPU), the sentence says so beside its slowdown.
 */
import { okRows, type ReportData } from "./load-run.ts";
import type { Cell, ReportTable } from "./report-table.ts";
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

/** The split rows: end to end, on the device, transfer share with its interval, GPU memory, energy per image. */
export function gpuSplitTable(data: ReportData): ReportTable {
  const ok = okRows(data.results.rows).filter((r) => r.onDevice || r.gpuMemory);
  const rows: Record<string, Cell>[] = ok.map((r) => ({
    model: r.model,
    precision: r.precision,
    ep: r.ep,
    batch: r.batch,
    e2e: r.latency.p50,
    device: r.onDevice?.p50Ms ?? null,
    transfer: r.onDevice ? r.onDevice.transferShare * 100 : null,
    ci: r.onDevice ? `${(r.onDevice.transferShareCi95[0] * 100).toFixed(0)}–${(r.onDevice.transferShareCi95[1] * 100).toFixed(0)}%` : null,
    vram: r.gpuMemory?.mib ?? null,
    vramHow: r.gpuMemory ? (r.gpuMemory.source === "process" ? "child's own" : "device growth") : null,
    energy: r.energy?.available ? r.energy.joulesPerImage * 1000 : null,
  }));
  return {
    id: "gpu-split",
    title: "GPU rows: on-device time, transfer, GPU memory and energy",
    columns: [
      { key: "model", header: "Model" },
      { key: "precision", header: "Precision" },
      { key: "ep", header: "EP" },
      { key: "batch", header: "Batch", digits: 0 },
      { key: "e2e", header: "End to end p50", unit: "ms", digits: 4 },
      { key: "device", header: "On device p50", unit: "ms", digits: 4 },
      { key: "transfer", header: "Transfer share", unit: "%", digits: 0 },
      { key: "ci", header: "95% CI" },
      { key: "vram", header: "GPU memory", unit: "MiB", digits: 0 },
      { key: "vramHow", header: "Read as" },
      { key: "energy", header: "Energy", unit: "mJ/image", digits: 3 },
    ],
    rows,
    notes: [
      "On device: the same model with its inputs made on the GPU (Expand of a one-value seed) and its outputs summed there, timed in the same interleaved window as the row, so the only difference is the host link: upload, readback and the synchronisation they force. Transfer share = 1 − on device ÷ end to end (negative when making the inputs on the device costs more than uploading them, as for the tiniest inputs).",
      "The roofline, % of ceiling and bound use the on-device time against the device-resident ceilings; the end-to-end time stays what a user waits for. GPU memory: nvidia-smi's per-process figure for the model's own child, else the GPU's memory.used growth since before the session (other processes count there). Energy: the GPU's energy counter, or power.draw sampled and integrated where the driver has no counter (see each row's energy domains), idle subtracted.",
      ...gpuSplitSentences(okRows(data.results.rows), data.results.comparisons),
    ],
  };
}
