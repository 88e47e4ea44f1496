/** Conv2D and DepthwiseConv2D as ONNX Conv (NCHW, OIHW weights, explicit TF pads, group conv for depthwise). */
import type { ConvertContext, LayerConverter, OnnxValue } from "../converter-types.ts";
import { layerWeight, configPair, paddingMode, requireChannelsLast, requiredWeight, singleInput } from "../layer-config.ts";
import { onnxPads2d } from "../tf-padding.ts";
import { depthwiseToGroupedOihw, hwioToOihw } from "../weight-layout.ts";
import { activationName, applyActivation } from "./activation.ts";
import { requireLayout } from "./layout.ts";

/** `Conv2D` → Conv (+ fused activation). */
export const convertConv2D: LayerConverter = (ctx) => {
  const kernel = requiredWeight(ctx.layer, "kernel");
  const weight = hwioToOihw(kernel.data, kernel.shape);
  return emitConv(ctx, weight, 1);
};

/** `DepthwiseConv2D` → Conv with group = input channels (+ fused activation). */
export const convertDepthwiseConv2D: LayerConverter = (ctx) => {
  const kernel = requiredWeight(ctx.layer, "depthwise_kernel");
  const weight = depthwiseToGroupedOihw(kernel.data, kernel.shape);
  return emitConv(ctx, weight, kernel.shape[2] ?? 1);
};

function emitConv(ctx: ConvertContext, weight: { data: Float32Array; dims: number[] }, group: number): OnnxValue {
  const { builder, layer, config } = ctx;
  requireChannelsLast(config);
  const input = singleInput(ctx.inputs);
  requireLayout(input, "nchw");
  const [outChannels = 0, , kh = 1, kw = 1] = weight.dims;
  const strides = configPair(config, "strides", [1, 1]);
  const dilations = configPair(config, "dilationRate", [1, 1]);
  const pads = onnxPads2d(paddingMode(config), input.shape, [kh, kw], strides, dilations);
  const weightName = builder.addFloatInitializer(`${layer.name}/weight`, weight.dims, weight.data);
  const bias = layerWeight(layer, "bias");
  const biasName = bias ? builder.addFloatInitializer(`${layer.name}/bias`, [outChannels], bias.data) : undefined;
  const convName = `${layer.name}/Conv`;
  const output = builder.addNode("Conv", biasName ? [input.name, weightName, biasName] : [input.name, weightName], convName, {
    kernel_shape: { ints: [kh, kw] },
    strides: { ints: strides },
    dilations: { ints: dilations },
    pads: { ints: pads },
    group: { int: group },
  });
  const activation = activationName(config);
  const convValue: OnnxValue = { name: output, shape: ctx.outputShape, layout: { kind: "nchw" } };
  if (activation !== "linear") return applyActivation(builder, convValue, activation, `${layer.name}/${activation}`);
  const node = builder.producerOf(output);
  if (!node) return convValue;
  return {
    ...convValue,
    foldTarget: { layerName: layer.name, node, weightName, weight: weight.data, biasName, bias: bias?.data, outChannels },
  };
}
