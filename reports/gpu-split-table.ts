/**
 * The GPU rows split into on-device time and transfer (profile/device-resident.ts), with the
 * GPU memory and energy of each row, and the split's sentences (gpu-split.ts).
 */
import { okRows, type ReportData } from "./load-run.ts";
import type { Cell, ReportTable } from "./report-table.ts";
import { gpuSplitSentences } from "./gpu-split.ts";

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
