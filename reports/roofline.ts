/**
 * The roofline per EP (log-log: the measured bandwidth slope, the FP32 and INT8 compute
 * ceilings, one point per model × precision × batch at its arithmetic intensity and
 * achieved GFLOP/s), and a plain-language note per model saying which roof it is under
 * here and what that means for INT8 and for batching.
 */
import type { OkRow } from "../formats/run/results-schema.ts";
import type { EpCeilings } from "../formats/run/ceiling-cache.ts";
import { achieved, deviceP50, isIntegerWork } from "./achieved-work.ts";
import { plot, type Plot } from "./chart-render.ts";
import type { ReportData } from "./load-run.ts";
import { okRows } from "./load-run.ts";

/** One point of a roofline. */
interface Point {
  readonly label: string;
  readonly model: string;
  readonly precision: string;
  readonly batch: number;
  readonly intensity: number;
  readonly gops: number;
  readonly unit: string;
  readonly share: number | null;
}

function points(data: ReportData, ep: string): Point[] {
  const c = data.ceilings.find((x) => x.ep === ep);
  return okRows(data.results.rows)
    .filter((r) => r.ep === ep)
    .flatMap((r) => {
      const w = data.work.get(r.key);
      if (!w || w.flops === 0) return [];
      const a = achieved(w, deviceP50(r), c);
      return [
        {
          label: `${r.model} ${r.precision} b${r.batch}`,
          model: r.model,
          precision: r.precision,
          batch: r.batch,
          intensity: a.intensity,
          gops: a.gops,
          unit: a.unit,
          share: a.ceilingShare,
        },
      ];
    });
}

/** The roof lines of `c` sampled over [lo, hi] FLOP/byte (log-spaced), one series per compute ceiling. */
export function roofLines(c: EpCeilings, lo: number, hi: number): { roof: string; intensity: number; gops: number }[] {
  const out: { roof: string; intensity: number; gops: number }[] = [];
  const bw = c.bandwidthGBs;
  const roofs: [string, number | null][] = [
    [`FP32 ${c.fp32Gflops?.toFixed(1)} GFLOP/s`, c.fp32Gflops],
    [`INT8 ${c.int8Gops?.toFixed(1)} GOP/s`, c.int8Gops],
  ];
  for (const [name, roof] of roofs) {
    if (roof === null) continue;
    const ridge = bw ? roof / bw : lo;
    const xs = [lo, ...(ridge > lo && ridge < hi ? [ridge] : []), hi];
    for (const x of xs) out.push({ roof: name, intensity: x, gops: bw ? Math.min(roof, bw * x) : roof });
  }
  return out;
}

/** One roofline plot per EP that has points (with its ceilings when measured). */
export async function rooflinePlots(data: ReportData): Promise<Plot[]> {
  const eps = [...new Set(okRows(data.results.rows).map((r) => r.ep))];
  const plots: Plot[] = [];
  for (const ep of eps) {
    const pts = points(data, ep);
    if (pts.length === 0) continue;
    const c = data.ceilings.find((x) => x.ep === ep);
    const xs = pts.map((p) => p.intensity);
    const lo = Math.min(...xs, c?.fp32Gflops && c.bandwidthGBs ? c.fp32Gflops / c.bandwidthGBs : Infinity) / 2;
    const hi = Math.max(...xs, c?.int8Gops && c.bandwidthGBs ? c.int8Gops / c.bandwidthGBs : 0) * 2;
    const peak = c?.theoretical?.fp32Gflops;
    // the CPU's theoretical FP32 peak (derived from its facts, per FMA pipe) as a flat reference line
    const lines = c
      ? [...roofLines(c, lo, hi), ...(peak ? [lo, hi].map((x) => ({ roof: `FP32 peak ${peak.toFixed(0)} (theory)`, intensity: x, gops: peak })) : [])]
      : [];
    const title = c
      ? `Roofline, ${ep} EP: measured ceilings (bandwidth ${c.bandwidthGBs?.toFixed(1) ?? "?"} GB/s) and each model × precision × batch`
      : `Roofline, ${ep} EP: achieved throughput per model (no ceilings measured for this EP: npm run bench -- ceilings)`;
    const axis = (t: string) => ({ type: "quantitative" as const, title: t, scale: { type: "log" as const } });
    plots.push(
      await plot(`roofline-${ep}`, title, {
        width: 560,
        height: 380,
        layer: [
          ...(lines.length > 0
            ? [
                {
                  data: { values: lines },
                  mark: { type: "line", strokeWidth: 2 },
                  encoding: {
                    x: { field: "intensity", ...axis("Arithmetic intensity (FLOP/byte, 1 MAC = 2 FLOPs)") },
                    y: { field: "gops", ...axis("Achieved GFLOP/s (GOP/s for INT8)") },
                    strokeDash: {
                      field: "roof",
                      type: "nominal",
                      title: "Roofs",
                      scale: {
                        range: [
                          [1, 0],
                          [7, 4],
                          [2, 3],
                        ],
                      },
                      sort: null,
                    },
                    color: { value: "#555" },
                  },
                },
              ]
            : []),
          {
            data: { values: pts },
            mark: { type: "point", filled: true, size: 90, opacity: 0.85 },
            encoding: {
              x: { field: "intensity", ...axis("Arithmetic intensity (FLOP/byte, 1 MAC = 2 FLOPs)") },
              y: { field: "gops", ...axis("Achieved GFLOP/s (GOP/s for INT8)") },
              color: { field: "model", type: "nominal", title: "Model" },
              shape: { field: "precision", type: "nominal", title: "Precision" },
              tooltip: [
                { field: "label" },
                { field: "intensity", format: ".1f" },
                { field: "gops", format: ".2f" },
                { field: "unit" },
                { field: "share", format: ".1%" },
              ],
            },
          },
          {
            data: { values: pts },
            mark: { type: "text", dx: 8, dy: -8, align: "left", fontSize: 10, color: "#333" },
            encoding: {
              x: { field: "intensity", type: "quantitative", scale: { type: "log" } },
              y: { field: "gops", type: "quantitative", scale: { type: "log" } },
              text: { field: "batchLabel" },
            },
            transform: [{ calculate: "'b' + datum.batch", as: "batchLabel" }],
          },
        ],
        resolve: { scale: { color: "independent" } },
      }),
    );
  }
  return plots;
}

function pct(x: number | null): string {
  return x === null ? "?" : `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;
}

/**
 * One sentence per model × EP: the roof it is under here (at its smallest and largest batch),
 * how much of it it reaches, and what that means for INT8 and for batching.
 */
export function boundNotes(data: ReportData): string[] {
  const rows = okRows(data.results.rows);
  const notes: string[] = [];
  // Keyed by the row's own model and EP (never a joined string parsed back: a name may hold "|").
  const groups = new Map<string, { model: string; ep: string; group: OkRow[] }>();
  for (const r of rows) {
    if (!data.work.has(r.key)) continue;
    const id = JSON.stringify([r.model, r.ep]);
    const g = groups.get(id) ?? { model: r.model, ep: r.ep, group: [] };
    g.group.push(r);
    groups.set(id, g);
  }
  for (const { model, ep, group } of groups.values()) {
    const c = data.ceilings.find((x) => x.ep === ep);
    const fp32 = group.filter((r) => r.precision === "fp32").sort((a, b) => a.batch - b.batch);
    const base = fp32.length > 0 ? fp32 : [...group].sort((a, b) => a.batch - b.batch);
    const first = base[0];
    const last = base[base.length - 1];
    if (!first || !last || !c) {
      if (first) notes.push(`${model} on ${ep}: no measured ceilings for this EP, so no roofline verdict (npm run bench -- ceilings).`);
      continue;
    }
    const wf = data.work.get(first.key)!;
    const wl = data.work.get(last.key)!;
    const af = achieved(wf, deviceP50(first), c);
    const al = achieved(wl, deviceP50(last), c);
    const ridge = c.fp32Gflops && c.bandwidthGBs ? c.fp32Gflops / c.bandwidthGBs : null;
    const parts: string[] = [];
    parts.push(
      `${model} ${first.precision} on ${ep}: ${wf.intensity.toFixed(1)} FLOP/byte at batch ${first.batch}` +
        (last !== first ? `, ${wl.intensity.toFixed(1)} at batch ${last.batch}` : "") +
        (ridge ? ` (the ridge, where bandwidth stops limiting FP32, is at ${ridge.toFixed(1)})` : "") +
        ".",
    );
    const int8Gain = c.int8Gops && c.fp32Gflops ? `${(c.int8Gops / c.fp32Gflops).toFixed(1)}×` : "not measured";
    // below the ridge (memory or cache side) or above it (compute side)
    const below = (a: typeof af) => a.bound !== "compute";
    if (below(af) && !below(al)) {
      parts.push(
        `Memory-bound at batch ${first.batch}, compute-bound at batch ${last.batch}: reading the weights once for more images moved it past the ridge. At small batches INT8 helps by moving 4× fewer bytes; at large ones as far as the INT8 ceiling exceeds FP32's (${int8Gain}).`,
      );
    } else if (below(al)) {
      parts.push(
        `Memory-bound here${last !== first ? " at every batch measured" : ""} (below the ridge): moving weights and activations, not arithmetic, sets the roof, so INT8 helps by moving 4× fewer bytes and a larger batch helps by reading the weights once for more images.`,
      );
    } else {
      parts.push(
        `Compute-bound here${last !== first ? " at every batch measured" : ""}: the arithmetic ceiling applies, so INT8 helps as far as the INT8 ceiling exceeds FP32's (${int8Gain}) and batching adds little beyond filling the cores.`,
      );
    }
    const inCache = [af, al].some((a) => a.bound === "cache");
    if (inCache) {
      parts.push(
        `Some of its points sit above the bandwidth slope: its working set (${((wf.weightBytes + wf.activationBytes) / 1024).toFixed(0)} KiB per call at batch ${first.batch}) stays in the CPU caches, which are faster than the ${c.bandwidthGBs?.toFixed(1)} GB/s stream of a 64 MiB tensor that measured the slope; the DRAM roof does not limit it here.`,
      );
    }
    const share = al.ceilingShare ?? af.ceilingShare;
    if (share !== null && share < 0.1) {
      parts.push(
        `It reaches only ${pct(share)} of the roof at batch ${last.batch}${last !== first ? ` (${pct(af.ceilingShare)} at batch ${first.batch})` : ""}: per-call and per-op overheads (small layers, µs-scale runs) dominate, not the roofs.`,
      );
    } else if (share !== null && share > 1) {
      parts.push(
        `It measured ${pct(share)} of the ceiling: above the measured roof, so the ceiling was measured while the machine was busier than during this row (or this model's kernels beat the ceiling kernel); treat the share as approximate.`,
      );
    } else if (share !== null) {
      parts.push(`It reaches ${pct(share)} of the roof at batch ${last.batch}.`);
    }
    const q = group.find((r) => r.precision !== "fp32" && r.batch === last.batch && data.work.get(r.key) && isIntegerWork(data.work.get(r.key)!));
    if (q) {
      const wq = data.work.get(q.key)!;
      parts.push(
        `Its ${q.precision} graph runs ${(wq.intMacs / 1e6).toFixed(1)} M integer MACs per call at batch ${q.batch}, at ${wq.intensity.toFixed(1)} op/byte (${(wq.intensity / wl.intensity).toFixed(1)}× the FP32 intensity: int8 weights and uint8 activations), ${(last.latency.p50 / q.latency.p50).toFixed(2)}× FP32's speed here.`,
      );
    }
    notes.push(parts.join(" "));
  }
  return notes;
}
