/** Layers that only route or reshape data: Add, ZeroPadding2D, Dropout. */
import type { LayerConverter, OnnxValue } from "../converter-types.ts";
import { UnsupportedLayerError } from "../converter-types.ts";
import { requireChannelsLast, singleInput } from "../layer-config.ts";
import { requireLayout, sameLayout, toTfjsOrder } from "./layout.ts";

/** `Add` → a chain of binary Add nodes (inputs with different layouts are first brought to tfjs order). */
export const convertAdd: LayerConverter = (ctx) => {
  const [first, ...rest] = ctx.inputs;
  if (!first || rest.length === 0) throw new UnsupportedLayerError(`expected at least 2 inputs, got ${ctx.inputs.length}`);
  let inputs: readonly OnnxValue[] = ctx.inputs;
  if (!rest.every((v) => sameLayout(v.layout, first.layout))) {
    inputs = ctx.inputs.map((v, i) => toTfjsOrder(ctx.builder, v, `${ctx.layer.name}/input${i}`));
  }
  let sum = inputs[0]!.name;
  for (let i = 1; i < inputs.length; i++) {
    sum = ctx.builder.addNode("Add", [sum, inputs[i]!.name], i === inputs.length - 1 ? ctx.layer.name : `${ctx.layer.name}/partial${i}`);
  }
  return { name: sum, shape: ctx.outputShape, layout: inputs[0]!.layout };
};

/** `ZeroPadding2D` → Pad (constant 0) with pads [0, 0, top, left, 0, 0, bottom, right]. */
export const convertZeroPadding2D: LayerConverter = (ctx) => {
  requireChannelsLast(ctx.config);
  const input = singleInput(ctx.inputs);
  requireLayout(input, "nchw");
  const [[top, bottom], [left, right]] = zeroPadding(ctx.config.padding);
  const pads = ctx.builder.addInt64Initializer(`${ctx.layer.name}/pads`, [8], [0, 0, top, left, 0, 0, bottom, right]);
  const output = ctx.builder.addNode("Pad", [input.name, pads], ctx.layer.name, { mode: { string: "constant" } });
  return { name: output, shape: ctx.outputShape, layout: { kind: "nchw" } };
};

function zeroPadding(padding: unknown): [[number, number], [number, number]] {
  if (typeof padding === "number")
    return [
      [padding, padding],
      [padding, padding],
    ];
  if (Array.isArray(padding) && padding.length === 2) {
    const [rows, cols] = padding as unknown[];
    const pair = (v: unknown): [number, number] => {
      if (typeof v === "number") return [v, v];
      if (Array.isArray(v) && v.length === 2 && typeof v[0] === "number" && typeof v[1] === "number") return [v[0], v[1]];
      throw new UnsupportedLayerError(`padding ${JSON.stringify(padding)} is not understood`);
    };
    return [pair(rows), pair(cols)];
  }
  throw new UnsupportedLayerError(`padding ${JSON.stringify(padding)} is not understood`);
}

/** `Dropout` → nothing (identity at inference); the walker records it as removed. */
export const convertDropout: LayerConverter = (ctx) => {
  const input = singleInput(ctx.inputs);
  return { name: input.name, shape: ctx.outputShape, layout: input.layout };
};
