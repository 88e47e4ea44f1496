/** Dense as ONNX Gemm, and Flatten (which only changes the layout the Dense reads). */
import type { LayerConverter } from "../converter-types.ts";
import { UnsupportedLayerError } from "../converter-types.ts";
import { layerWeight, requiredWeight, singleInput } from "../layer-config.ts";
import { permuteDenseRowsHwcToChw } from "../weight-layout.ts";
import { activationName, applyActivation } from "./activation.ts";
import { requireLayout } from "./layout.ts";

/**
 * `Dense` → Gemm(x, W[in, units], b) (+ fused activation). After a Flatten of an NCHW
 * tensor the weight rows are permuted from tfjs's (row, column, channel) order to
 * (channel, row, column) at export time, so the graph needs no Transpose.
 */
export const convertDense: LayerConverter = (ctx) => {
  const { builder, layer } = ctx;
  const input = singleInput(ctx.inputs);
  requireLayout(input, "plain");
  const kernel = requiredWeight(layer, "kernel");
  const [inFeatures = 0, units = 0] = kernel.shape;
  if (kernel.shape.length !== 2) throw new UnsupportedLayerError(`kernel of rank ${kernel.shape.length} (only rank-2 inputs are supported)`);
  let weight = kernel.data;
  const layout = input.layout;
  if (layout.kind === "flattened-chw") {
    weight = permuteDenseRowsHwcToChw(weight, units, layout.height, layout.width, layout.channels);
  }
  const inputs = [input.name, builder.addFloatInitializer(`${layer.name}/weight`, [inFeatures, units], weight)];
  const bias = layerWeight(layer, "bias");
  if (bias) inputs.push(builder.addFloatInitializer(`${layer.name}/bias`, [units], bias.data));
  const output = builder.addNode("Gemm", inputs, `${layer.name}/Gemm`);
  const value = { name: output, shape: ctx.outputShape, layout: { kind: "plain" } } as const;
  return applyActivation(builder, value, activationName(ctx.config), `${layer.name}/${activationName(ctx.config)}`);
};

/**
 * `Flatten` → ONNX Flatten(axis 1). An NCHW image flattens in (channel, row, column)
 * order; the result is marked `flattened-chw` so the next Dense permutes its weights.
 */
export const convertFlatten: LayerConverter = (ctx) => {
  const input = singleInput(ctx.inputs);
  if (input.layout.kind !== "nchw") return { name: input.name, shape: ctx.outputShape, layout: input.layout };
  const [, height, width, channels] = input.shape;
  if (typeof height !== "number" || typeof width !== "number" || typeof channels !== "number") {
    throw new UnsupportedLayerError(`needs a fully known input shape, got [${input.shape.map(String).join(", ")}]`);
  }
  const output = ctx.builder.addNode("Flatten", [input.name], ctx.layer.name, { axis: { int: 1 } });
  return { name: output, shape: ctx.outputShape, layout: { kind: "flattened-chw", height, width, channels } };
};
