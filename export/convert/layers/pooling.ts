/** Pooling layers as ONNX MaxPool / AveragePool / GlobalAveragePool / GlobalMaxPool. */
import type { LayerConverter } from "../converter-types.ts";
import { configPair, paddingMode, requireChannelsLast, singleInput } from "../layer-config.ts";
import { onnxPads2d } from "../tf-padding.ts";
import { requireLayout } from "./layout.ts";

function windowPool(opType: "MaxPool" | "AveragePool"): LayerConverter {
  return (ctx) => {
    requireChannelsLast(ctx.config);
    const input = singleInput(ctx.inputs);
    requireLayout(input, "nchw");
    const kernel = configPair(ctx.config, "poolSize", [2, 2]);
    const strides = ctx.config.strides == null ? kernel : configPair(ctx.config, "strides");
    const pads = onnxPads2d(paddingMode(ctx.config), input.shape, kernel, strides);
    const attributes = { kernel_shape: { ints: kernel }, strides: { ints: strides }, pads: { ints: pads } };
    // AveragePool: count_include_pad = 0 (the default) divides by the in-image pixels only, as TF does for "same".
    const output = ctx.builder.addNode(
      opType,
      [input.name],
      ctx.layer.name,
      opType === "AveragePool" ? { ...attributes, count_include_pad: { int: 0 } } : attributes,
    );
    return { name: output, shape: ctx.outputShape, layout: { kind: "nchw" } };
  };
}

function globalPool(opType: "GlobalAveragePool" | "GlobalMaxPool"): LayerConverter {
  return (ctx) => {
    requireChannelsLast(ctx.config);
    const input = singleInput(ctx.inputs);
    requireLayout(input, "nchw");
    const pooled = ctx.builder.addNode(opType, [input.name], ctx.layer.name);
    if (ctx.outputShape.length === 4) return { name: pooled, shape: ctx.outputShape, layout: { kind: "nchw" } }; // keepDims
    const output = ctx.builder.addNode("Flatten", [pooled], `${ctx.layer.name}/flatten`, { axis: { int: 1 } });
    return { name: output, shape: ctx.outputShape, layout: { kind: "plain" } };
  };
}

/** `MaxPooling2D` → MaxPool (pads beyond the image never win, as in TF). */
export const convertMaxPooling2D = windowPool("MaxPool");
/** `AveragePooling2D` → AveragePool with count_include_pad = 0. */
export const convertAveragePooling2D = windowPool("AveragePool");
/** `GlobalAveragePooling2D` → GlobalAveragePool + Flatten. */
export const convertGlobalAveragePooling2D = globalPool("GlobalAveragePool");
/** `GlobalMaxPooling2D` → GlobalMaxPool + Flatten. */
export const convertGlobalMaxPooling2D = globalPool("GlobalMaxPool");
