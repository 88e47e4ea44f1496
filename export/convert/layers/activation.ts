/** Activation functions (fused in Conv2D/Dense or as Activation/ReLU/LeakyReLU layers) as ONNX ops. */
import type { ConvertContext, LayerConverter, OnnxValue } from "../converter-types.ts";
import { UnsupportedLayerError } from "../converter-types.ts";
import { configNumber, configString, singleInput } from "../layer-config.ts";
import type { OnnxGraphBuilder } from "../onnx-graph-builder.ts";

type Emit = (builder: OnnxGraphBuilder, input: string, name: string, channelAxis: number) => string;

/** Clip(min, max) with the bounds as scalar initializers (opset ≥ 11 form). */
export function emitClip(builder: OnnxGraphBuilder, input: string, name: string, min: number, max: number): string {
  const lo = builder.addFloatInitializer(`${name}/clip_min`, [], Float32Array.of(min));
  const hi = builder.addFloatInitializer(`${name}/clip_max`, [], Float32Array.of(max));
  return builder.addNode("Clip", [input, lo, hi], name);
}

/** GELU as tfjs computes it, x·½(1 + erf(x/√2)), from opset-13 ops (ONNX Gelu needs opset 20). */
function emitGelu(b: OnnxGraphBuilder, x: string, n: string): string {
  const scalar = (name: string, v: number) => b.addFloatInitializer(`${n}/${name}`, [], Float32Array.of(v));
  const erf = b.addNode("Erf", [b.addNode("Div", [x, scalar("sqrt2", Math.SQRT2)], `${n}/div`)], `${n}/erf`);
  const cdf = b.addNode("Mul", [b.addNode("Add", [erf, scalar("one", 1)], `${n}/add`), scalar("half", 0.5)], `${n}/cdf`);
  return b.addNode("Mul", [x, cdf], n);
}

/** tfjs activation names (as `getConfig()` serializes them) → ONNX emitters. */
const ACTIVATIONS: Readonly<Record<string, Emit>> = {
  elu: (b, x, n) => b.addNode("Elu", [x], n, { alpha: { float: 1 } }),
  gelu: emitGelu,
  hardSigmoid: (b, x, n) => b.addNode("HardSigmoid", [x], n, { alpha: { float: 0.2 }, beta: { float: 0.5 } }),
  linear: (_b, x) => x,
  logSoftmax: (b, x, n, axis) => b.addNode("LogSoftmax", [x], n, { axis: { int: axis } }),
  mish: (b, x, n) => b.addNode("Mul", [x, b.addNode("Tanh", [b.addNode("Softplus", [x], `${n}/softplus`)], `${n}/tanh`)], n),
  relu: (b, x, n) => b.addNode("Relu", [x], n),
  relu6: (b, x, n) => emitClip(b, x, n, 0, 6),
  selu: (b, x, n) => b.addNode("Selu", [x], n),
  sigmoid: (b, x, n) => b.addNode("Sigmoid", [x], n),
  softmax: (b, x, n, axis) => b.addNode("Softmax", [x], n, { axis: { int: axis } }),
  softplus: (b, x, n) => b.addNode("Softplus", [x], n),
  softsign: (b, x, n) => b.addNode("Softsign", [x], n),
  swish: (b, x, n) => b.addNode("Mul", [x, b.addNode("Sigmoid", [x], `${n}/sigmoid`)], n),
  tanh: (b, x, n) => b.addNode("Tanh", [x], n),
};

/** Activation names the converter accepts, sorted. */
export const SUPPORTED_ACTIVATIONS: readonly string[] = Object.keys(ACTIVATIONS).sort();

/** The activation named in a layer config (`activation` key), `linear` when absent. */
export function activationName(config: Readonly<Record<string, unknown>>): string {
  return configString(config, "activation", "linear");
}

/**
 * Applies activation `activation` to `value`; `linear` returns `value` itself.
 * Softmax and LogSoftmax act on the tfjs channel axis: axis 1 of an NCHW value, else the last.
 */
export function applyActivation(builder: OnnxGraphBuilder, value: OnnxValue, activation: string, name: string): OnnxValue {
  const emit = ACTIVATIONS[activation];
  if (!emit) {
    throw new UnsupportedLayerError(`unsupported activation "${activation}". Supported: ${SUPPORTED_ACTIVATIONS.join(", ")}`);
  }
  if (activation === "linear") return value;
  const axis = value.layout.kind === "nchw" ? 1 : -1;
  return { name: emit(builder, value.name, name, axis), shape: value.shape, layout: value.layout };
}

/** `Activation` layer. */
export const convertActivation: LayerConverter = (ctx: ConvertContext) =>
  applyActivation(ctx.builder, stripFold(singleInput(ctx.inputs)), activationName(ctx.config), ctx.layer.name);

/** `ReLU` layer: Relu, or Clip(0, maxValue) when `maxValue` is set (6 gives relu6). */
export const convertReLU: LayerConverter = (ctx) => {
  const input = stripFold(singleInput(ctx.inputs));
  const maxValue = ctx.config.maxValue;
  if (maxValue === null || maxValue === undefined) return applyActivation(ctx.builder, input, "relu", ctx.layer.name);
  if (typeof maxValue !== "number") throw new UnsupportedLayerError(`maxValue ${JSON.stringify(maxValue)} is not a number`);
  return { name: emitClip(ctx.builder, input.name, ctx.layer.name, 0, maxValue), shape: input.shape, layout: input.layout };
};

/** `LeakyReLU` layer (tfjs default alpha 0.3). */
export const convertLeakyReLU: LayerConverter = (ctx) => {
  const input = stripFold(singleInput(ctx.inputs));
  const alpha = configNumber(ctx.config, "alpha", 0.3);
  return { name: ctx.builder.addNode("LeakyRelu", [input.name], ctx.layer.name, { alpha: { float: alpha } }), shape: input.shape, layout: input.layout };
};

/** The value without its fold target (anything but a BatchNormalization consuming a conv output). */
export function stripFold(value: OnnxValue): OnnxValue {
  return { name: value.name, shape: value.shape, layout: value.layout };
}
