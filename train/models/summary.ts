/** A Keras-style model summary: each layer, its output shape and parameters. */
import type * as tf from "@tensorflow/tfjs";

/** One row of the summary. */
export interface LayerSummary {
  name: string;
  /** tfjs class name, e.g. `Conv2D`. */
  className: string;
  /** Output shape with `None` for the batch axis, e.g. `(None, 24, 24, 32)`. */
  outputShape: string;
  /** Parameters of the layer (trainable and not). */
  params: number;
}

/** The whole summary. */
export interface ModelSummary {
  layers: LayerSummary[];
  total: number;
  trainable: number;
  nonTrainable: number;
}

function shapeText(shape: tf.Shape | tf.Shape[]): string {
  const one = (s: tf.Shape) => `(${s.map((d) => (d === null ? "None" : String(d))).join(", ")})`;
  return Array.isArray(shape[0]) ? (shape as tf.Shape[]).map(one).join(", ") : one(shape as tf.Shape);
}

function count(weights: tf.LayerVariable[]): number {
  return weights.reduce((n, w) => n + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0);
}

/** Summarises a model (layer rows and parameter totals). */
export function summarize(model: tf.LayersModel): ModelSummary {
  const layers = model.layers.map((l) => ({
    name: l.name,
    className: l.getClassName(),
    outputShape: shapeText(l.outputShape),
    params: l.countParams(),
  }));
  const trainable = count(model.trainableWeights);
  const nonTrainable = count(model.nonTrainableWeights);
  return { layers, total: trainable + nonTrainable, trainable, nonTrainable };
}

/** Formats a summary as the Keras-style text table. */
export function formatSummary(name: string, s: ModelSummary): string {
  const w = [Math.max(28, ...s.layers.map((l) => l.name.length + l.className.length + 5)), 26, 12];
  const row = (a: string, b: string, c: string) => a.padEnd(w[0]!) + b.padEnd(w[1]!) + c.padStart(w[2]!);
  const rule = (ch: string) => ch.repeat(w[0]! + w[1]! + w[2]!);
  const lines = [`Model: "${name}"`, rule("_"), row("Layer (type)", "Output Shape", "Param #"), rule("=")];
  for (const l of s.layers) lines.push(row(`${l.name} (${l.className})`, l.outputShape, l.params.toLocaleString("en-US")));
  lines.push(rule("="));
  lines.push(`Total params: ${s.total.toLocaleString("en-US")}`);
  lines.push(`Trainable params: ${s.trainable.toLocaleString("en-US")}`);
  lines.push(`Non-trainable params: ${s.nonTrainable.toLocaleString("en-US")}`);
  lines.push(rule("_"));
  return lines.join("\n");
}
