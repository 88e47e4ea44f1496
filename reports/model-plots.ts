/**
 * Per-model plots: accuracy vs parameters, latency vs parameters, accuracy vs training
 * time (labelled points, log axes where values span decades) and accuracy per million
 * parameters (bars).
 */
import { plot, spansDecades, type Plot } from "./chart-render.ts";
import type { ModelSummary } from "./model-summaries.ts";

const W = 520;
const H = 320;

type Datum = Record<string, string | number>;

async function scatter(id: string, title: string, data: Datum[], x: { field: string; title: string }, y: { field: string; title: string }): Promise<Plot> {
  const xs = data.map((d) => Number(d[x.field]));
  const ys = data.map((d) => Number(d[y.field]));
  const xLog = spansDecades(xs);
  const yLog = spansDecades(ys);
  const enc = {
    x: {
      field: x.field,
      type: "quantitative" as const,
      title: x.title + (xLog ? " — log scale" : ""),
      scale: xLog ? { type: "log" as const } : { zero: false, padding: 20 },
    },
    y: {
      field: y.field,
      type: "quantitative" as const,
      title: y.title + (yLog ? " — log scale" : ""),
      scale: yLog ? { type: "log" as const } : { zero: false, padding: 20 },
      axis: { format: "~g" },
    },
  };
  return plot(id, title, {
    width: W,
    height: H,
    data: { values: data },
    encoding: enc,
    layer: [
      {
        mark: { type: "point", filled: true, size: 80 },
        encoding: { color: { field: "kind", type: "nominal", title: "Model type" }, shape: { field: "kind", type: "nominal", title: "Model type" } },
      },
      { mark: { type: "text", align: "left", dx: 7, dy: -7, fontSize: 11 }, encoding: { text: { field: "model", type: "nominal" } } },
    ],
  });
}

/** The per-model plots; models missing a figure are left out of that plot. */
export async function modelPlots(summaries: readonly ModelSummary[]): Promise<Plot[]> {
  const kind = (s: ModelSummary) => (s.fullyConnected ? "fully connected" : "CNN");
  const pick = (f: (s: ModelSummary) => Datum | null) =>
    summaries.flatMap((s) => {
      const d = f(s);
      return d ? [d] : [];
    });
  const plots: Plot[] = [];
  const accParams = pick((s) => (s.params && s.accuracyPct !== null ? { model: s.model, kind: kind(s), params: s.params, accuracy: s.accuracyPct } : null));
  if (accParams.length > 0)
    plots.push(
      await scatter(
        "accuracy-vs-params",
        "Accuracy vs parameters",
        accParams,
        { field: "params", title: "Parameters (count)" },
        { field: "accuracy", title: "Top-1 test accuracy (%)" },
      ),
    );
  const latParams = pick((s) => (s.params && s.p50Ms !== null ? { model: s.model, kind: kind(s), params: s.params, p50: s.p50Ms } : null));
  if (latParams.length > 0)
    plots.push(
      await scatter(
        "latency-vs-params",
        "Latency vs parameters (FP32, smallest batch)",
        latParams,
        { field: "params", title: "Parameters (count)" },
        { field: "p50", title: "Median latency p50 (ms)" },
      ),
    );
  const accTime = pick((s) =>
    s.trainingS !== null && s.accuracyPct !== null ? { model: s.model, kind: kind(s), trainingS: s.trainingS, accuracy: s.accuracyPct } : null,
  );
  if (accTime.length > 0)
    plots.push(
      await scatter(
        "accuracy-vs-training-time",
        "Accuracy vs training time",
        accTime,
        { field: "trainingS", title: "Training wall time (s)" },
        { field: "accuracy", title: "Top-1 test accuracy (%)" },
      ),
    );
  const eff = pick((s) => (s.accPerM !== null ? { model: s.model, kind: kind(s), accPerM: s.accPerM } : null));
  if (eff.length > 0) {
    const log = spansDecades(eff.map((d) => Number(d.accPerM)));
    plots.push(
      await plot("accuracy-per-mparams", "Accuracy per million parameters (higher is better)", {
        width: W,
        height: Math.max(120, 28 * eff.length),
        data: { values: eff },
        encoding: {
          y: { field: "model", type: "nominal", sort: "-x", title: "Model" },
          x: {
            field: "accPerM",
            type: "quantitative",
            title: "Accuracy per million parameters (%/M)" + (log ? " — log scale" : ""),
            ...(log ? { scale: { type: "log" } } : {}),
          },
        },
        layer: [
          { mark: { type: "bar" }, encoding: { color: { field: "kind", type: "nominal", title: "Model type" } } },
          { mark: { type: "text", align: "left", dx: 4 }, encoding: { text: { field: "accPerM", type: "quantitative", format: ",.0f" } } },
        ],
      }),
    );
  }
  return plots;
}
