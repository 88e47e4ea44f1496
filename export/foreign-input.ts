/**
 * The image input of a model the harness did not write: its name, layout, image size and
 * whether its batch is fixed, read from the graph; and feeds built from an image set (any
 * layout, per-channel normalisation, exact batches when the batch axis is fixed) or
 * generated in [0, 1) when there are no images.
 */
import * as ort from "onnxruntime-node";
import type { ImageSet } from "../formats/dataset.ts";
import { seededRandom } from "../measure/index.ts";
import { asOnnxModel, type onnx } from "../formats/onnx/onnx-io.ts";
import type { ImageGeometry } from "./ort-inference.ts";

/** A model's first real input as the quantizer's feeds need it. */
export interface ForeignInput {
  readonly name: string;
  /** `NCHW`/`NHWC` for rank-4 image inputs, `flat` for rank 2 (`[batch, values]`). */
  readonly layout: "NCHW" | "NHWC" | "flat";
  /** Image size when the graph fixes it (rank 4), else undefined. */
  readonly geometry: ImageGeometry | undefined;
  /** Values per image for a flat input, when fixed. */
  readonly flatSize: number | undefined;
  /** The batch dimension when the graph fixes it, else undefined (dynamic). */
  readonly fixedBatch: number | undefined;
}

/** Per-channel normalisation applied to [0, 1] pixels: (x − mean[c]) ÷ std[c]. */
export interface Normalisation {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

const dimOf = (d: onnx.TensorShapeProto.IDimension | undefined): number | undefined =>
  d?.dimValue !== undefined && d.dimValue !== null && Number(d.dimValue) > 0 ? Number(d.dimValue) : undefined;

/**
 * Describes the first non-initializer input of `model`.
 * @throws naming the input when it is not a float tensor of rank 2 or 4.
 */
export function describeInput(model: onnx.IModelProto): ForeignInput {
  const graph = asOnnxModel(model).graph;
  const inits = new Set(graph.initializer.map((t) => t.name));
  const input = graph.input.find((i) => !inits.has(i.name));
  if (!input?.name) throw new Error("The ONNX model has no graph input.");
  const tensor = input.type?.tensorType;
  const dims = (tensor?.shape?.dim ?? []).map(dimOf);
  if (tensor?.elemType !== 1)
    throw new Error(`Input "${input.name}" has element type ${tensor?.elemType ?? "unknown"}; the quantizer's feeds need float32 (type 1).`);
  const fixedBatch = dims[0];
  if (dims.length === 2) return { name: input.name, layout: "flat", geometry: undefined, flatSize: dims[1], fixedBatch };
  if (dims.length !== 4) throw new Error(`Input "${input.name}" has rank ${dims.length}; expected 4 (NCHW or NHWC images) or 2 (flat vectors).`);
  const nhwc = (dims[3] === 1 || dims[3] === 3) && !(dims[1] === 1 || dims[1] === 3);
  const [c, h, w] = nhwc ? [dims[3], dims[1], dims[2]] : [dims[1], dims[2], dims[3]];
  const geometry = c !== undefined && h !== undefined && w !== undefined ? { channels: c, height: h, width: w } : undefined;
  return { name: input.name, layout: nhwc ? "NHWC" : "NCHW", geometry, flatSize: undefined, fixedBatch };
}

/** One tensor of `count` images of `set` starting at `start` (cycling), in the input's layout, normalised. */
export function imagesTensor(set: ImageSet, geometry: ImageGeometry, input: ForeignInput, start: number, count: number, norm: Normalisation): ort.Tensor {
  const { height, width, channels } = geometry;
  const plane = height * width;
  const per = plane * channels;
  const out = new Float32Array(count * per);
  const mean = (c: number) => norm.mean[c] ?? norm.mean[0] ?? 0;
  const std = (c: number) => norm.std[c] ?? norm.std[0] ?? 1;
  for (let n = 0; n < count; n++) {
    const src = ((start + n) % Math.max(1, set.count)) * per;
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < channels; c++) {
        const v = ((set.images[src + p * channels + c] ?? 0) - mean(c)) / std(c);
        const at = input.layout === "NCHW" ? n * per + c * plane + p : n * per + p * channels + c;
        out[at] = v;
      }
    }
  }
  const dims = input.layout === "NCHW" ? [count, channels, height, width] : input.layout === "NHWC" ? [count, height, width, channels] : [count, per];
  return new ort.Tensor("float32", out, dims);
}

/** Feeds of `batch` images each covering `images` images of `set` (the last batch cycles to stay full). */
export function imageFeeds(
  set: ImageSet,
  geometry: ImageGeometry,
  input: ForeignInput,
  images: number,
  batch: number,
  norm: Normalisation,
  offset = 0,
): Record<string, ort.Tensor>[] {
  const feeds: Record<string, ort.Tensor>[] = [];
  for (let start = 0; start < images; start += batch) feeds.push({ [input.name]: imagesTensor(set, geometry, input, offset + start, batch, norm) });
  return feeds;
}

/** Generated feeds, uniform in [0, 1) from a seeded generator: `count` feeds of `batch`. */
export function generatedFeeds(input: ForeignInput, count: number, batch: number, seed: number): Record<string, ort.Tensor>[] {
  const random = seededRandom(seed);
  const g = input.geometry;
  const per = g ? g.height * g.width * g.channels : input.flatSize;
  if (per === undefined)
    throw new Error(`Input "${input.name}" has symbolic image dimensions; generated inputs need them fixed (or give a dataset or image folder).`);
  const dims =
    input.layout === "flat" || !g ? [batch, per] : input.layout === "NCHW" ? [batch, g.channels, g.height, g.width] : [batch, g.height, g.width, g.channels];
  return Array.from({ length: count }, () => ({
    [input.name]: new ort.Tensor(
      "float32",
      Float32Array.from({ length: batch * per }, () => random()),
      dims,
    ),
  }));
}
