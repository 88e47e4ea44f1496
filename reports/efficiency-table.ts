/**
 * The hardware-efficiency table: one row per model × precision × EP × batch with
 * accuracy, latency, throughput, memory, size and training cost. Skipped and errored
 * rows stay in the table with their reason.
 */
import type { ReportData } from "./load-run.ts";
import type { Cell, ReportTable } from "./report-table.ts";

const MIB = 1024 * 1024;

/** Builds the hardware-efficiency table from a run. */
export function efficiencyTable(data: ReportData): ReportTable {
  const rows: Record<string, Cell>[] = data.results.rows.map((r) => {
    const train = data.models.get(r.model)?.train;
    const base: Record<string, Cell> = {
      model: r.model, precision: r.precision, ep: r.ep, batch: r.batch, state: r.state,
      trainingS: train?.trainingSeconds ?? null,
    };
    if (r.state === "skipped") return { ...base, note: `${r.reason} (${r.fix})` };
    if (r.state === "errored") return { ...base, note: r.error };
    return {
      ...base,
      accuracy: r.accuracy ? r.accuracy.top1 * 100 : null,
      p50: r.latency.p50,
      p95: r.latency.p95,
      throughput: r.throughput,
      peakRss: r.peakRssMiB,
      params: r.params,
      size: r.sizeBytes / MIB,
      accPerM: r.accuracyPerMParams ?? (r.accuracy && r.params > 0 ? (r.accuracy.top1 * 100) / (r.params / 1e6) : null),
      note: r.warnings.join("; ") || null,
    };
  });
  const notes = [
    "Latency: wall time of one session.run call at the given batch (p50 = median, p95 = 95th percentile). Throughput = batch × 1000 / mean latency.",
    "Peak memory: peak resident set of the measuring child process (includes Node.js and ONNX Runtime), MiB.",
    "Accuracy per million parameters = top-1 accuracy in percent ÷ (parameters / 10⁶).",
  ];
  if (data.results.stability.highCvRows.length > 0) {
    notes.push(`Noisy rows (latency CV above ${data.results.stability.cvThreshold}): ${data.results.stability.highCvRows.join(", ")}.`);
  }
  return {
    id: "efficiency",
    title: "Hardware efficiency",
    columns: [
      { key: "model", header: "Model" }, { key: "precision", header: "Precision" }, { key: "ep", header: "EP" },
      { key: "batch", header: "Batch", digits: 0 }, { key: "state", header: "State" },
      { key: "accuracy", header: "Accuracy", unit: "%", digits: 2 },
      { key: "p50", header: "p50", unit: "ms", digits: 3 }, { key: "p95", header: "p95", unit: "ms", digits: 3 },
      { key: "throughput", header: "Throughput", unit: "img/s", digits: 0 },
      { key: "peakRss", header: "Peak RSS", unit: "MiB", digits: 1 },
      { key: "params", header: "Params", digits: 0 }, { key: "size", header: "Size", unit: "MiB", digits: 3 },
      { key: "accPerM", header: "Accuracy per M params", unit: "%/M", digits: 1 },
      { key: "trainingS", header: "Training time", unit: "s", digits: 1 },
      { key: "note", header: "Note" },
    ],
    rows,
    notes,
  };
}
