/**
 * The converter's contract: what a layer converter receives (its tfjs layer, its inputs as
 * ONNX values) and returns (its output value). One converter per layer class, registered
 * in `layer-registry.ts`.
 */
import type * as tf from "@tensorflow/tfjs";
import { type OnnxNode } from "../../formats/onnx/onnx-model.ts";
import type { OnnxGraphBuilder } from "./onnx-graph-builder.ts";

/** A tfjs layer as found in `LayersModel.layers`. */
export type TfLayer = tf.LayersModel["layers"][number];

/**
 * How an ONNX tensor's element order relates to the tfjs tensor it stands for.
 * - `nchw`: a rank-4 tfjs NHWC tensor held as NCHW (every image tensor in the graph).
 * - `plain`: same shape and order as in tfjs.
 * - `flattened-chw`: a rank-2 tensor flattened from NCHW, so its features are in
 *   (channel, row, column) order where tfjs has (row, column, channel); a Dense layer
 *   reading it permutes its weight rows instead of the graph transposing the data.
 */
export type ValueLayout =
  | { readonly kind: "nchw" }
  | { readonly kind: "plain" }
  | { readonly kind: "flattened-chw"; readonly height: number; readonly width: number; readonly channels: number };

/** A convolution whose output a following BatchNormalization may fold into. */
export interface FoldTarget {
  /** tfjs name of the convolution layer. */
  readonly layerName: string;
  /** The Conv node (its bias input is appended when the conv had none). */
  readonly node: OnnxNode;
  /** Initializer name and data of the OIHW weight. */
  readonly weightName: string;
  readonly weight: Float32Array;
  /** Initializer name and data of the bias, when the conv has one. */
  readonly biasName: string | undefined;
  readonly bias: Float32Array | undefined;
  /** Output channels (axis 0 of the weight). */
  readonly outChannels: number;
}

/** One tensor of the ONNX graph under construction, with what it means in tfjs terms. */
export interface OnnxValue {
  /** ONNX tensor name. */
  readonly name: string;
  /** The tfjs shape, batch axis null (NHWC for images). */
  readonly shape: readonly (number | null)[];
  readonly layout: ValueLayout;
  /** Present when the value is the raw output of a linear-activation convolution. */
  readonly foldTarget?: FoldTarget;
}

/** A BatchNormalization folded into the convolution before it. */
export interface FoldedBatchNorm {
  /** tfjs name of the BatchNormalization layer. */
  batchNorm: string;
  /** tfjs name of the convolution it was folded into. */
  into: string;
}

/** What a layer converter gets. */
export interface ConvertContext {
  readonly builder: OnnxGraphBuilder;
  readonly layer: TfLayer;
  /** `layer.getConfig()` (camelCase keys, as tfjs serializes them). */
  readonly config: Readonly<Record<string, unknown>>;
  /** The layer's inputs, in tfjs order. */
  readonly inputs: readonly OnnxValue[];
  /** The layer's tfjs output shape (batch axis null). */
  readonly outputShape: readonly (number | null)[];
  /** Converters that fold a layer away report it here. */
  readonly folded: FoldedBatchNorm[];
}

/** Converts one tfjs layer; throws {@link UnsupportedLayerError} for configurations it cannot express. */
export type LayerConverter = (ctx: ConvertContext) => OnnxValue;

/** A layer (or one of its settings) the converter cannot express; the walker prefixes the layer's name and class. */
export class UnsupportedLayerError extends Error {
  override name = "UnsupportedLayerError";
}
