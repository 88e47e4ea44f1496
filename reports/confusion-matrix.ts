/**
 * Confusion matrices: counts of (true class, predicted class) over the test set, the most
 * confused pair named, and the matrix plotted as a heat map. Predictions come from the
 * run's `predictions/` folder (saved by the profile stage), or are computed with
 * onnxruntime-node's CPU EP from the FP32 ONNX file when the run did not save them.
 */
import { readFile } from "node:fs/promises";
import type { OkRow } from "../formats/run/results-schema.ts";
import { predictionsPath } from "../formats/run/run-records.ts";
import { plot, type Plot } from "./chart-render.ts";

/** A confusion matrix: `counts[t][p]` = images of true class t predicted as p. */
export interface ConfusionMatrix {
  readonly classNames: readonly string[];
  readonly counts: readonly (readonly number[])[];
  /** Images counted. */
  readonly total: number;
  /** Fraction correct, 0..1. */
  readonly accuracy: number;
  /** The off-diagonal cell with the most images (first in row-major order on ties), or null when all are right. */
  readonly mostConfused: { readonly trueClass: string; readonly predicted: string; readonly count: number } | null;
}

/** Counts predictions against labels over their common prefix. */
export function confusionMatrix(predictions: ArrayLike<number>, labels: ArrayLike<number>, classNames: readonly string[]): ConfusionMatrix {
  const k = classNames.length;
  const counts = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const n = Math.min(predictions.length, labels.length);
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const t = labels[i] ?? 0;
    const p = predictions[i] ?? 0;
    const row = counts[t];
    if (!row || p >= k) continue;
    row[p] = (row[p] ?? 0) + 1;
    if (t === p) correct++;
  }
  let most: ConfusionMatrix["mostConfused"] = null;
  for (let t = 0; t < k; t++) {
    for (let p = 0; p < k; p++) {
      const c = counts[t]?.[p] ?? 0;
      if (t !== p && c > 0 && (!most || c > most.count)) most = { trueClass: classNames[t] ?? String(t), predicted: classNames[p] ?? String(p), count: c };
    }
  }
  return { classNames, counts, total: n, accuracy: n > 0 ? correct / n : 0, mostConfused: most };
}

/** One sentence naming the most confused pair. */
export function mostConfusedText(m: ConfusionMatrix): string {
  return m.mostConfused
    ? `most confused: true "${m.mostConfused.trueClass}" predicted as "${m.mostConfused.predicted}" (${m.mostConfused.count} of ${m.total} images)`
    : `no confusion: all ${m.total} images right`;
}

/**
 * Lab 3's row-normalised matrix: `counts[t][p]` / images of true class t (each row sums to 1;
 * a class with no image is a row of zeros).
 */
export function rowNormalised(m: ConfusionMatrix): number[][] {
  return m.counts.map((row) => {
    const sum = row.reduce((a, b) => a + b, 0);
    return row.map((c) => (sum > 0 ? c / sum : 0));
  });
}

/** The row-normalised heat map of a matrix (file `confusion-<label>.svg`), as lab 3 plots it (`fmt='.2f'`). */
export async function confusionPlot(label: string, m: ConfusionMatrix): Promise<Plot> {
  // "3 Dress" for named classes, plain "3" when the name is the index (MNIST digits).
  const axisLabel = (i: number) => (m.classNames[i] === undefined || m.classNames[i] === String(i) ? String(i) : `${i} ${m.classNames[i]}`);
  const fractions = rowNormalised(m);
  const data = m.counts.flatMap((row, t) => row.map((c, p) => ({ t: axisLabel(t), p: axisLabel(p), c, f: fractions[t]?.[p] ?? 0, diag: t === p })));
  const order = m.classNames.map((_, i) => axisLabel(i));
  return plot(
    `confusion-${label.replace(/[^A-Za-z0-9_.-]/g, "_")}`,
    `Confusion matrix (row-normalised: share of each true class): ${label} — ${mostConfusedText(m)}`,
    {
      width: 28 * m.classNames.length,
      height: 28 * m.classNames.length,
      data: { values: data },
      encoding: {
        x: { field: "p", type: "ordinal", sort: order, title: "Predicted class", axis: { labelAngle: -40 } },
        y: { field: "t", type: "ordinal", sort: order, title: "True class" },
      },
      layer: [
        {
          mark: "rect",
          encoding: {
            color: { field: "f", type: "quantitative", title: "Share of true class", scale: { domain: [0, 1], scheme: "blues" } },
            tooltip: [{ field: "c", type: "quantitative", title: "Images" }],
          },
        },
        {
          mark: { type: "text", fontSize: 9 },
          encoding: {
            text: { field: "f", type: "quantitative", format: ".2f" },
            color: { condition: { test: "datum.f > 0.5", value: "white" }, value: "black" },
          },
        },
      ],
    },
  );
}

/** Where a matrix's predictions came from. */
export type PredictionSource = "run predictions" | "onnxruntime-node CPU EP";

/**
 * Predicted classes of `row`'s model on the test set: the run's saved file when present,
 * else an ONNX Runtime CPU pass over the first `limit` test images. Null when neither works.
 */
export async function predictionsFor(
  runDir: string,
  row: OkRow,
  test: { images: Float32Array; labels: Uint8Array; count: number },
  limit: number,
  sourceShape?: readonly [number, number, number],
): Promise<{ predictions: Uint8Array; source: PredictionSource } | null> {
  try {
    const saved = await readFile(predictionsPath(runDir, row));
    if (saved.length > 0) return { predictions: new Uint8Array(saved), source: "run predictions" };
  } catch {
    // not saved by this run: compute below
  }
  try {
    const [{ readModelFacts, evaluateAccuracy }, { openOrtSession, ortSessionOptions }] = await Promise.all([
      import("../profile/index.ts"),
      import("../ort/index.ts"),
    ]);
    const facts = await readModelFacts(row.onnxPath);
    if (!facts.metadata) return null;
    const session = await openOrtSession(row.onnxPath, ortSessionOptions({ executionProviders: ["cpu"] }));
    try {
      const n = Math.min(limit, test.count);
      const dynamic = typeof facts.inputs[0]?.dims[0] !== "number";
      const r = await evaluateAccuracy(session, { ...test, count: n }, facts.metadata, {
        batch: dynamic ? 64 : 1,
        budgetMs: 60_000,
        fixedBatch: !dynamic,
        ...(sourceShape ? { sourceShape } : {}),
      });
      return { predictions: r.predictions, source: "onnxruntime-node CPU EP" };
    } finally {
      await session.release();
    }
  } catch {
    return null;
  }
}
