/** Layout checks and conversions between the converter's value layouts. */
import type { OnnxValue, ValueLayout } from "../converter-types.ts";
import { UnsupportedLayerError } from "../converter-types.ts";
import type { OnnxGraphBuilder } from "../onnx-graph-builder.ts";

/** Throws unless `value` has layout `kind` (e.g. a Conv2D needs an image tensor). */
export function requireLayout(value: OnnxValue, kind: ValueLayout["kind"]): void {
  if (kind === "nchw" && value.layout.kind !== "nchw") {
    throw new UnsupportedLayerError(`expects a rank-4 image input, got shape [${value.shape.map(String).join(", ")}]`);
  }
  if (kind !== "nchw" && value.layout.kind === "nchw") {
    throw new UnsupportedLayerError(`expects a rank-2 input (add a Flatten or global pooling first), got shape [${value.shape.map(String).join(", ")}]`);
  }
}

/**
 * Brings a value to the element order tfjs has (`plain`, or NHWC for images): a
 * flattened-CHW vector is reshaped to NCHW, transposed to NHWC and flattened again; an
 * NCHW image is transposed to NHWC. Used at graph outputs and where layouts must agree.
 */
export function toTfjsOrder(builder: OnnxGraphBuilder, value: OnnxValue, name: string): OnnxValue {
  const layout = value.layout;
  if (layout.kind === "plain") return value;
  if (layout.kind === "nchw") {
    const output = builder.addNode("Transpose", [value.name], `${name}/to_nhwc`, { perm: { ints: [0, 2, 3, 1] } });
    return { name: output, shape: value.shape, layout: { kind: "plain" } };
  }
  const shape = builder.addInt64Initializer(`${name}/chw_shape`, [4], [-1, layout.channels, layout.height, layout.width]);
  const nchw = builder.addNode("Reshape", [value.name, shape], `${name}/unflatten`);
  const nhwc = builder.addNode("Transpose", [nchw], `${name}/to_nhwc`, { perm: { ints: [0, 2, 3, 1] } });
  const flat = builder.addNode("Flatten", [nhwc], `${name}/flatten_hwc`, { axis: { int: 1 } });
  return { name: flat, shape: value.shape, layout: { kind: "plain" } };
}

/** True when two layouts describe the same element order. */
export function sameLayout(a: ValueLayout, b: ValueLayout): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
