/**
 * FP32 beside INT8: speedup, size ratio, accuracy change and top-1 agreement per
 * model × EP × batch, with the "why" from the per-op profile (share of kernel time in
 * fused integer ops) and the export record's op histogram.
 */
import type { Comparison, OkRow, OpTime } from "../formats/run/results-schema.ts";
import { okRows, type ReportData } from "./load-run.ts";
import type { Cell, ReportTable } from "./report-table.ts";
import { tuningWhy } from "./tuning-why.ts";
import type { TuningRecord } from "../formats/tuning-record.ts";

/** Op types that run integer arithmetic after ORT's QDQ fusion. */
export const FUSED_INT8_OPS: readonly string[] = [
  "QLinearConv",
  "QGemm",
  "QLinearMatMul",
  "MatMulInteger",
  "ConvInteger",
  "QLinearAdd",
  "QLinearMul",
  "QLinearAveragePool",
  "QLinearGlobalAveragePool",
  "DynamicQuantizeMatMul",
  "FusedConvInteger",
];

/** Fraction 0..1 of kernel time spent in {@link FUSED_INT8_OPS}; null without a profile. */
export function fusedShare(ops: readonly OpTime[] | null | undefined): number | null {
  if (!ops || ops.length === 0) return null;
  const total = ops.reduce((s, o) => s + o.ms, 0);
  if (total <= 0) return null;
  return ops.filter((o) => FUSED_INT8_OPS.includes(o.opType)).reduce((s, o) => s + o.ms, 0) / total;
}

/** The op types with the largest kernel time, as `Conv 61%, Gemm 20%`. */
export function topOps(ops: readonly OpTime[] | null | undefined, n = 2): string {
  if (!ops || ops.length === 0) return "";
  const byType = new Map<string, number>();
  for (const o of ops) byType.set(o.opType, (byType.get(o.opType) ?? 0) + o.share);
  return [...byType]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([t, s]) => `${t} ${Math.round(s * 100)}%`)
    .join(", ");
}

/** The per-op profile of a model × precision × EP (taken at whichever batch was profiled). */
function opsOf(rows: readonly OkRow[], r: OkRow): OpTime[] | null {
  return rows.find((x) => x.model === r.model && x.precision === r.precision && x.ep === r.ep && x.ops)?.ops ?? null;
}

/** A speedup as text: `1.45× [1.38–1.52]`, or the plain ratio with "unpaired" when no interval exists. */
export function speedupText(speedup: number, ci95?: readonly [number, number]): string {
  return ci95 ? `${speedup.toFixed(2)}× [${ci95[0].toFixed(2)}–${ci95[1].toFixed(2)}]` : `${speedup.toFixed(2)}× (unpaired)`;
}

/** The sentence a report may print about a speedup: a claim only when its interval supports it. */
export function speedupClaim(c: Pick<Comparison, "variant" | "baseline" | "speedup" | "ci95" | "verdict">): string {
  if (c.verdict === "faster")
    return `${c.variant} is ${c.speedup.toFixed(2)}× as fast as ${c.baseline} (95% CI ${c.ci95[0].toFixed(2)}–${c.ci95[1].toFixed(2)})`;
  if (c.verdict === "slower")
    return `${c.variant} is slower than ${c.baseline}: ${c.speedup.toFixed(2)}× (95% CI ${c.ci95[0].toFixed(2)}–${c.ci95[1].toFixed(2)})`;
  return `no clear difference between ${c.variant} and ${c.baseline} (${c.speedup.toFixed(2)}×, 95% CI ${c.ci95[0].toFixed(2)}–${c.ci95[1].toFixed(2)} covers 1)`;
}

/** The paired comparison of `variant` over FP32 for a model × EP × batch, if the run has one. */
export function precisionComparison(comparisons: readonly Comparison[], r: Pick<OkRow, "model" | "ep" | "batch" | "precision">): Comparison | undefined {
  return comparisons.find((c) => c.kind === "precision" && c.model === r.model && c.ep === r.ep && c.batch === r.batch && c.variant === r.precision);
}

/**
 * The tuner's line for the int8 row's file: export.json's tuning when it is that file's, else
 * the machine folder (`tuning/<id>/`) the file came from, so each INT8 names the machine it was tuned for.
 */
function int8Why(onnxPath: string, tuning: TuningRecord | null | undefined): string {
  const folder = /(?:^|[\\/])tuning[\\/]([0-9a-f]{12})[\\/]/.exec(onnxPath)?.[1];
  if (folder && tuning?.machine?.id !== folder) return `tuned for machine [${folder}] (its record: tuning/${folder}/tuning.json beside the model)`;
  return tuning ? tuningWhy(tuning) : "";
}

/** Builds the FP32-vs-quantized table (`int8` and `int8-dynamic` each beside `fp32`). */
export function precisionTable(data: ReportData): ReportTable {
  const rows = okRows(data.results.rows);
  const out: Record<string, Cell>[] = [];
  for (const q of rows.filter((r) => r.precision.startsWith("int8"))) {
    const f = rows.find((r) => r.model === q.model && r.precision === "fp32" && r.ep === q.ep && r.batch === q.batch);
    if (!f) continue;
    const qOps = opsOf(rows, q);
    const fOps = opsOf(rows, f);
    const hist = data.models.get(q.model)?.exported?.precisions.find((p) => p.precision === q.precision);
    const tuning = data.models.get(q.model)?.exported?.tuning;
    const fused = hist
      ? Object.entries(hist.opHistogram)
          .filter(([t]) => FUSED_INT8_OPS.includes(t))
          .map(([t, n]) => `${t}×${n}`)
          .join(", ")
      : "";
    const floatNodes = hist?.quantization?.float.length;
    const why = [
      fOps || qOps ? `time: ${topOps(fOps) || "?"} → ${topOps(qOps) || "?"}` : "",
      fused ? `graph: ${fused}` : "",
      floatNodes !== undefined ? `${floatNodes} float node${floatNodes === 1 ? "" : "s"} left` : "",
      q.precision === "int8" ? int8Why(q.onnxPath, tuning) : "",
    ]
      .filter(Boolean)
      .join("; ");
    const share = fusedShare(qOps);
    const c = precisionComparison(data.results.comparisons, q);
    out.push({
      model: q.model,
      quantized: q.precision,
      ep: q.ep,
      batch: q.batch,
      fp32P50: f.latency.p50,
      int8P50: q.latency.p50,
      speedup: c?.speedup ?? f.latency.p50 / q.latency.p50,
      ci: c ? `${c.ci95[0].toFixed(2)}–${c.ci95[1].toFixed(2)}` : "unpaired",
      verdict: c?.verdict ?? null,
      sizeRatio: q.sizeBytes > 0 ? f.sizeBytes / q.sizeBytes : null,
      accChange: f.accuracy && q.accuracy ? (q.accuracy.top1 - f.accuracy.top1) * 100 : null,
      agreement: q.agreementWithFp32 === null ? null : q.agreementWithFp32 * 100,
      fusedShare: share === null ? null : share * 100,
      why: why || null,
    });
  }
  const notes = [
    'Speedup: FP32 time ÷ quantized time (> 1: the quantized model is faster), measured as interleaved pairs: both precisions in one process, alternating short blocks (A B B A …) so the machine\'s drift cancels; the estimate is the median of the per-cycle ratios over every round, the 95% CI a bootstrap over rounds and cycles. Verdict: faster or slower only when the CI excludes 1. "unpaired": a run without paired blocks (schema 1), the plain ratio of the two medians, with no interval.',
    "Size ratio = FP32 file size ÷ quantized file size.",
    "Fused share: fraction of the quantized model's kernel time in fused integer ops (QLinearConv, QGemm, QLinearMatMul, …) from ORT's per-op profile; a low share means the EP ran the model as float ops with extra (De)QuantizeLinear nodes.",
  ];
  if (out.length === 0)
    notes.unshift("No model has both an FP32 and an INT8 ok row on the same EP and batch. Profile both: npm run profile -- --precision fp32,int8");
  return {
    id: "fp32-vs-int8",
    title: "FP32 vs INT8",
    columns: [
      { key: "model", header: "Model" },
      { key: "quantized", header: "Quantized" },
      { key: "ep", header: "EP" },
      { key: "batch", header: "Batch", digits: 0 },
      { key: "fp32P50", header: "FP32 p50", unit: "ms", digits: 3 },
      { key: "int8P50", header: "INT8 p50", unit: "ms", digits: 3 },
      { key: "speedup", header: "Speedup", unit: "×", digits: 2 },
      { key: "ci", header: "95% CI" },
      { key: "verdict", header: "Verdict" },
      { key: "sizeRatio", header: "Size ratio", unit: "×", digits: 2 },
      { key: "accChange", header: "Accuracy change", unit: "pp", digits: 2 },
      { key: "agreement", header: "Top-1 agreement", unit: "%", digits: 2 },
      { key: "fusedShare", header: "Fused op share", unit: "%", digits: 1 },
      { key: "why", header: "Why" },
    ],
    rows: out,
    notes,
  };
}
