/**
 * MobileNetV2 (Sandler et al. 2018) with Keras's layer names, so weights from a
 * tfjs-converted Keras MobileNetV2 load by name; plus a transfer-learning head.
 */
import * as tf from "@tensorflow/tfjs";
import type { ModelBuildContext } from "./zoo-types.ts";

/** MobileNetV2 options. */
export interface MobileNetV2Options {
  /** Width multiplier α (filters × α, rounded to multiples of 8); default 1.0 (Keras's default, the one every lab uses). */
  alpha: number;
  /** Units of a relu Dense layer in the head after global average pooling; 0 (default) = none. */
  headDense: number;
  /** Dropout before the output layer of the head; default 0.2. */
  headDropout: number;
}

/** Default MobileNetV2 options. */
export const MOBILENETV2_DEFAULTS: MobileNetV2Options = { alpha: 1, headDense: 0, headDropout: 0.2 };

/** Name of the last layer of the base (the feature extractor); the head starts after it. */
export const MOBILENETV2_BASE_OUTPUT = "out_relu";

function makeDivisible(v: number, divisor = 8): number {
  const n = Math.max(divisor, Math.floor((v + divisor / 2) / divisor) * divisor);
  return n < 0.9 * v ? n + divisor : n;
}

/** The inverted residual blocks: [expansion, output filters, stride] per block (Keras order). */
const BLOCKS: [number, number, number][] = [
  [1, 16, 1],
  [6, 24, 2],
  [6, 24, 1],
  [6, 32, 2],
  [6, 32, 1],
  [6, 32, 1],
  [6, 64, 2],
  [6, 64, 1],
  [6, 64, 1],
  [6, 64, 1],
  [6, 96, 1],
  [6, 96, 1],
  [6, 96, 1],
  [6, 160, 2],
  [6, 160, 1],
  [6, 160, 1],
  [6, 320, 1],
];

function bn(name: string): tf.layers.Layer {
  return tf.layers.batchNormalization({ epsilon: 1e-3, momentum: 0.999, name });
}

function relu6(name: string): tf.layers.Layer {
  return tf.layers.reLU({ maxValue: 6, name });
}

/** Builds MobileNetV2 base + head (GlobalAveragePooling, optional Dense relu, optional Dropout, Dense softmax). */
export function mobilenetV2(ctx: ModelBuildContext, options: Partial<MobileNetV2Options> = {}): tf.LayersModel {
  const { alpha, headDense, headDropout } = { ...MOBILENETV2_DEFAULTS, ...options };
  let seed = ctx.seed * 1000 + 1;
  const init = () => tf.initializers.glorotUniform({ seed: seed++ });
  const input = tf.input({ shape: [...ctx.inputShape], name: "input" });
  const conv = (x: tf.SymbolicTensor, filters: number, kernel: number, stride: number, name: string) =>
    tf.layers
      .conv2d({ filters, kernelSize: kernel, strides: stride, padding: "same", useBias: false, kernelInitializer: init(), name })
      .apply(x) as tf.SymbolicTensor;

  let x = conv(input, makeDivisible(32 * alpha), 3, 2, "Conv1");
  x = relu6("Conv1_relu").apply(bn("bn_Conv1").apply(x)) as tf.SymbolicTensor;
  let inChannels = x.shape[3] as number;

  BLOCKS.forEach(([expansion, filters, stride], id) => {
    const prefix = id === 0 ? "expanded_conv_" : `block_${id}_`;
    const outChannels = makeDivisible(filters * alpha);
    const blockInput = x;
    if (expansion !== 1) {
      x = conv(x, expansion * inChannels, 1, 1, `${prefix}expand`);
      x = relu6(`${prefix}expand_relu`).apply(bn(`${prefix}expand_BN`).apply(x)) as tf.SymbolicTensor;
    }
    let padding: "same" | "valid" = "same";
    if (stride === 2) {
      const [h, w] = [x.shape[1] as number, x.shape[2] as number];
      const pad = (n: number): [number, number] => [1 - (1 - (n % 2)), 1];
      x = tf.layers.zeroPadding2d({ padding: [pad(h), pad(w)], name: `${prefix}pad` }).apply(x) as tf.SymbolicTensor;
      padding = "valid";
    }
    x = tf.layers
      .depthwiseConv2d({ kernelSize: 3, strides: stride, padding, useBias: false, depthwiseInitializer: init(), name: `${prefix}depthwise` })
      .apply(x) as tf.SymbolicTensor;
    x = relu6(`${prefix}depthwise_relu`).apply(bn(`${prefix}depthwise_BN`).apply(x)) as tf.SymbolicTensor;
    x = conv(x, outChannels, 1, 1, `${prefix}project`);
    x = bn(`${prefix}project_BN`).apply(x) as tf.SymbolicTensor;
    if (stride === 1 && inChannels === outChannels) {
      x = tf.layers.add({ name: `${prefix}add` }).apply([blockInput, x]) as tf.SymbolicTensor;
    }
    inChannels = outChannels;
  });

  x = conv(x, alpha > 1 ? makeDivisible(1280 * alpha) : 1280, 1, 1, "Conv_1");
  x = relu6(MOBILENETV2_BASE_OUTPUT).apply(bn("Conv_1_bn").apply(x)) as tf.SymbolicTensor;

  x = tf.layers.globalAveragePooling2d({ name: "head_pool" }).apply(x) as tf.SymbolicTensor;
  if (headDense > 0)
    x = tf.layers.dense({ units: headDense, activation: "relu", kernelInitializer: init(), name: "head_hidden" }).apply(x) as tf.SymbolicTensor;
  if (headDropout > 0) x = tf.layers.dropout({ rate: headDropout, seed: seed++, name: "head_dropout" }).apply(x) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: ctx.numClasses, activation: "softmax", kernelInitializer: init(), name: "head_dense" }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name: "mobilenetv2" });
}

/** Layers of the base (everything up to {@link MOBILENETV2_BASE_OUTPUT}), in order. */
export function baseLayers(model: tf.LayersModel): tf.layers.Layer[] {
  const end = model.layers.findIndex((l) => l.name === MOBILENETV2_BASE_OUTPUT);
  if (end < 0) throw new Error(`Model "${model.name}" has no layer "${MOBILENETV2_BASE_OUTPUT}": not a MobileNetV2 from this zoo.`);
  return model.layers.slice(0, end + 1);
}
