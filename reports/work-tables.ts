/**
 * Tables of the work per inference and the machine's ceilings: per model × precision the
 * work counted from the graph (MACs, FLOPs, bytes, intensity); per op family the share of
 * the work beside the share of ORT's measured kernel time; per EP the measured ceilings
 * with their spread beside the CPU's theoretical peak.
 */
import { opFamily } from "../profile/index.ts";
import type { ReportData } from "./load-run.ts";
import { okRows } from "./load-run.ts";
import type { Cell, ReportTable } from "./report-table.ts";

const KIB = 1024;

/** Work per model × precision from the ONNX graph, per image at the smallest batch, intensity at every batch. */
export function modelWorkTable(data: ReportData): ReportTable {
  const seen = new Map<string, Record<string, Cell>>();
  for (const r of okRows(data.results.rows)) {
    const w = data.work.get(r.key);
    if (!w) continue;
    const key = `${r.model}|${r.precision}`;
    const row = seen.get(key);
    if (!row) {
      seen.set(key, {
        model: r.model,
        precision: r.precision,
        macs: w.macs / w.batch / 1e6,
        intShare: w.macs > 0 ? (w.intMacs / w.macs) * 100 : null,
        otherOps: w.otherOps / w.batch / 1e6,
        flops: w.flops / w.batch / 1e6,
        weights: w.weightBytes / KIB,
        activations: w.activationBytes / w.batch / KIB,
        intensity: `${w.intensity.toFixed(1)} (b${w.batch})`,
        uncounted: w.uncounted.join("; ") || null,
      });
    } else if (!String(row.intensity).includes(`(b${w.batch})`)) {
      row.intensity = `${String(row.intensity)}, ${w.intensity.toFixed(1)} (b${w.batch})`;
    }
  }
  return {
    id: "work",
    title: "Work per inference (counted from the ONNX graph)",
    columns: [
      { key: "model", header: "Model" },
      { key: "precision", header: "Precision" },
      { key: "macs", header: "MACs per image", unit: "M", digits: 3 },
      { key: "intShare", header: "Integer MACs", unit: "%", digits: 0 },
      { key: "otherOps", header: "Other ops per image", unit: "M", digits: 3 },
      { key: "flops", header: "FLOPs per image", unit: "M", digits: 3 },
      { key: "weights", header: "Weights", unit: "KiB", digits: 1 },
      { key: "activations", header: "Activations per image", unit: "KiB", digits: 1 },
      { key: "intensity", header: "Arithmetic intensity (FLOP/byte) at batch" },
      { key: "uncounted", header: "Not counted" },
    ],
    rows: [...seen.values()],
    notes: [
      "Counted from the graph at the run's input shapes: shapes are inferred node by node, then Conv (grouped and depthwise: C/group input channels per output), Gemm and MatMul count multiply-accumulates (MACs); bias adds, activations, pooling (kernel-size compares or adds per output), softmax (5 per element), normalisation and (de)quantisation count apart as other ops.",
      "FLOPs = 2 × MACs + other ops (1 MAC = 2 FLOPs). For INT8 graphs these are integer ops, reported as GOP/s.",
      "Bytes: each weight tensor once per call (int8 weights at 1 byte), plus every node's activation inputs and outputs (no reuse between nodes assumed: an upper bound on memory traffic). Reshape/Flatten/Squeeze are views and move nothing.",
      "QDQ INT8 graphs are counted as ONNX Runtime fuses them: DequantizeLinear → Conv/Gemm/MatMul → QuantizeLinear is one integer node reading uint8/int8 tensors.",
      "Arithmetic intensity = FLOPs ÷ bytes of one session.run: weights are read once per call, so it rises with the batch.",
    ],
  };
}

/** Per op family: share of the work (FLOPs) beside the share of ORT's kernel time, for the rows ORT profiled. */
export function workVsTimeTable(data: ReportData): ReportTable {
  const rows: Record<string, Cell>[] = [];
  for (const r of okRows(data.results.rows)) {
    const w = data.work.get(r.key);
    if (!w || !r.ops || r.ops.length === 0) continue;
    const time = new Map<string, { ms: number; share: number; ops: Set<string> }>();
    for (const o of r.ops) {
      const f = opFamily(o.opType);
      const t = time.get(f) ?? { ms: 0, share: 0, ops: new Set<string>() };
      t.ms += o.ms;
      t.share += o.share;
      t.ops.add(o.opType);
      time.set(f, t);
    }
    const families = new Set([...w.byFamily.filter((f) => f.flops > 0 || f.bytes > 0).map((f) => f.family), ...time.keys()]);
    for (const family of families) {
      const fw = w.byFamily.find((f) => f.family === family);
      const t = time.get(family);
      rows.push({
        model: r.model,
        precision: r.precision,
        ep: r.ep,
        batch: r.batch,
        family,
        macs: fw ? fw.macs / 1e6 : 0,
        workShare: fw ? fw.share * 100 : 0,
        bytes: fw ? fw.bytes / KIB : 0,
        timeShare: t ? t.share * 100 : 0,
        ms: t ? t.ms : 0,
        ortOps: t ? [...t.ops].join(", ") : "",
      });
    }
  }
  return {
    id: "work-vs-time",
    title: "Where the work is and where the time goes (per op family)",
    columns: [
      { key: "model", header: "Model" },
      { key: "precision", header: "Precision" },
      { key: "ep", header: "EP" },
      { key: "batch", header: "Batch", digits: 0 },
      { key: "family", header: "Op family" },
      { key: "macs", header: "MACs", unit: "M", digits: 3 },
      { key: "workShare", header: "Work share", unit: "%", digits: 1 },
      { key: "bytes", header: "Bytes moved", unit: "KiB", digits: 1 },
      { key: "timeShare", header: "Time share", unit: "%", digits: 1 },
      { key: "ms", header: "Kernel time", unit: "ms", digits: 4 },
      { key: "ortOps", header: "ORT kernels" },
    ],
    rows,
    notes: [
      "Work share: the family's FLOPs (2 × MACs + other ops) ÷ the model's, counted from the graph. Time share: the family's kernel time ÷ all kernel time, from ORT's profiler on that row (ORT renames fused kernels: QLinearConv and FusedConv are convs, QGemm/FusedGemm are matmuls).",
      "A family whose time share far exceeds its work share is expensive in time, not in arithmetic: memory-bound (pooling, elementwise, layout changes such as ReorderInput/ReorderOutput) or overhead-bound.",
    ],
  };
}

/** Why a ceiling's ladder stopped, in words. */
function ladderWords(stop: string | undefined): string {
  switch (stop) {
    case "flat":
      return "the rate stopped rising";
    case "run-too-long":
      return "a run got too long";
    case "top-rung":
      return "it reached the largest size";
    case "budget":
      return "its time budget ran out";
    default:
      return "a size failed, the ones below stand";
  }
}

/** The measured ceilings per EP with their spread, and the CPU's theoretical peak beside them. */
export function ceilingsTable(data: ReportData): ReportTable {
  const rows: Record<string, Cell>[] = [];
  for (const c of data.ceilings) {
    for (const f of c.figures) {
      rows.push({
        ep: c.ep,
        kind: f.kind,
        value: f.value,
        median: f.median,
        spread: `${f.min.toFixed(1)}–${f.max.toFixed(1)} over ${f.roundP50Ms.length} round(s)`,
        best: f.best,
        unit: f.unit,
        what: f.ladder
          ? `${f.description}; sized by a ladder of ${f.ladder.length} problem sizes (${ladderWords(f.stop)})${f.deviceResident ? "" : ", host link"}`
          : f.description,
      });
    }
    const settings = Object.entries(c.settings ?? {});
    if (settings.length > 0)
      rows.push({ ep: c.ep, kind: "settings", value: null, spread: null, best: null, unit: null, what: settings.map(([k, v]) => `${k}: ${v}`).join("; ") });
    if (c.datasheet) {
      const d = c.datasheet;
      const add = (kind: string, value: number | null, unit: string) => {
        if (value !== null)
          rows.push({
            ep: c.ep,
            kind: `${kind} datasheet`,
            value,
            spread: null,
            best: null,
            unit,
            what: `${d.gpu}: ${d.formula} (${d.source}); a datasheet figure, not measured`,
          });
      };
      add("fp32", d.fp32Gflops, "GFLOP/s");
      add("tf32", d.tf32Gflops, "GFLOP/s");
      add("fp16", d.fp16Gflops, "GFLOP/s");
      add("bandwidth", d.bandwidthGBs, "GB/s");
    }
    if (c.theoretical) {
      const t = c.theoretical;
      rows.push({ ep: c.ep, kind: "fp32 theoretical", value: t.fp32Gflops, spread: null, best: null, unit: "GFLOP/s", what: `${t.fp32Formula} (${t.caveat})` });
      rows.push({ ep: c.ep, kind: "int8 theoretical", value: t.int8Gops, spread: null, best: null, unit: "GOP/s", what: t.int8Formula });
    }
    for (const n of c.notes) rows.push({ ep: c.ep, kind: "note", value: null, spread: null, best: null, unit: null, what: n });
  }
  const notes =
    data.ceilings.length === 0
      ? [
          "No ceilings are cached for this machine and ONNX Runtime version: run npm run bench -- ceilings (the profile command measures the CPU EP's on its own).",
        ]
      : [
          "Measured with ONNX models built in code, each in a fresh child process like a profile row. On onnxruntime-node's EPs the data is made on the device (a one-value input Expanded in the graph) and 8 chained ops run on it with a scalar out, so no run crosses the host link: FP32 MatMul and (CPU, CUDA) 3×3 Conv chains, the FP32 roof the better of the two; FP16 MatMul on GPUs; INT8 QLinearMatMul chains and MatMulInteger (CPU); bandwidth as 8 elementwise ops over a tensor past the caches. Each climbs a ladder of sizes until its rate stops rising. GPU EPs also measure the host link alone (link-h2d, link-d2h). The browser EPs time fixed-size models with their inputs uploaded.",
          "Value: ops (or bytes) ÷ median latency of the best round (rounds are fresh child processes; on a shared machine the least-disturbed round is the closest to the roof); spread: the smallest and largest round, median: their median; best run: at the fastest single run. Other tenants' load lowers and spreads these figures.",
          `Cached per machine and ORT version in ${data.ceilings.length > 0 ? "<artifacts>/ceilings/" : ""}; measured ${data.ceilings.map((c) => `${c.ep} ${c.measuredAt}`).join(", ")}.`,
        ];
  return {
    id: "ceilings",
    title: "Measured ceilings of this machine",
    columns: [
      { key: "ep", header: "EP" },
      { key: "kind", header: "Ceiling" },
      { key: "value", header: "Value", digits: 1 },
      { key: "median", header: "Median of rounds", digits: 1 },
      { key: "spread", header: "Spread (rounds min–max)" },
      { key: "best", header: "Best run", digits: 1 },
      { key: "unit", header: "Unit" },
      { key: "what", header: "Measured with" },
    ],
    rows,
    notes,
  };
}
