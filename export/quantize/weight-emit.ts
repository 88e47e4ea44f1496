/**
 * Emitting quantized constants: int8 weights (an initializer, or a ConstantOfShape when the
 * float weight was a splat, so the file stays small), scales, zero points and int32 biases,
 * each followed by a DequantizeLinear where the graph needs float again.
 */
import { makeNode, makeTensor, type OnnxNode } from "../../formats/onnx/onnx-model.ts";
import { attr, GraphView } from "../../formats/onnx/graph-view.ts";
import { quantizeWeight, weightScale } from "./quant-params.ts";
import { type ConstTensor, DT, float32Of, int32Tensor, int64Tensor, int8Tensor } from "../../formats/onnx/tensor-data.ts";

/** An emitted int8 weight: its tensor name and per-channel (or single) scales. */
export interface EmittedWeight {
  /** Name of the int8 tensor. */
  readonly quantName: string;
  /** Float32 scales, one per channel along `axis` (one value when per tensor). */
  readonly scales: Float32Array;
  readonly axis: number | undefined;
  readonly dims: number[];
}

/** Emits the int8 version of a constant weight; `axis` undefined means per tensor. */
export function emitInt8Weight(view: GraphView, base: string, c: ConstTensor, axis: number | undefined, transpose2d = false): EmittedWeight {
  const dims = transpose2d ? [c.dims[1] ?? 1, c.dims[0] ?? 1] : [...c.dims];
  const quantName = view.fresh(`${base}_qv`);
  if (c.kind === "splat") {
    const channels = axis === undefined ? 1 : (dims[axis] ?? 1);
    const s = weightScale(Math.abs(c.value));
    const q = Math.max(-127, Math.min(127, Math.round(c.value / s)));
    const shapeName = transpose2d ? view.addInitializer(int64Tensor(view.fresh(`${base}_shape`), [2], dims)) : c.shapeName;
    view.nodes.push(
      makeNode({
        opType: "ConstantOfShape",
        name: view.fresh(`${base}_qc`),
        input: [shapeName],
        output: [quantName],
        attribute: [attr.tensor("value", int8Tensor("", [1], Int8Array.of(q)))],
      }),
    );
    return { quantName, scales: new Float32Array(channels).fill(s), axis, dims };
  }
  const data = transpose2d ? transpose(c.data, c.dims[0] ?? 1, c.dims[1] ?? 1) : c.data;
  const qw = quantizeWeight(data, dims, axis);
  view.addInitializer(int8Tensor(quantName, dims, qw.values));
  return { quantName, scales: qw.scales, axis, dims };
}

/** Row-major transpose of a rows×cols matrix. */
export function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let k = 0; k < cols; k++) out[k * rows + r] = data[r * cols + k] ?? 0;
  return out;
}

/** A float scale initializer: a scalar when one value, else a 1-D vector. */
export function scaleInit(view: GraphView, base: string, scales: Float32Array): string {
  const dims = scales.length === 1 ? [] : [scales.length];
  return view.addInitializer(makeTensor({ name: view.fresh(base), dataType: DT.FLOAT, dims, rawData: new Uint8Array(scales.slice().buffer) }));
}

/** A zero-point initializer of `dataType` (INT8, UINT8 or INT32) with `count` zeros (scalar when 1) or given values. */
export function zeroPointInit(view: GraphView, base: string, dataType: number, values: number[]): string {
  const dims = values.length === 1 ? [] : [values.length];
  const name = view.fresh(base);
  if (dataType === DT.INT32) return view.addInitializer(int32Tensor(name, dims, Int32Array.from(values)));
  const data = dataType === DT.INT8 ? Int8Array.from(values) : Uint8Array.from(values);
  return view.addInitializer(int8Tensor(name, dims, data));
}

/** Appends a DequantizeLinear node; returns its float output name. */
export function dequantize(view: GraphView, input: string, scale: string, zeroPoint: string, axis: number | undefined, out: string): OnnxNode {
  const node: OnnxNode = makeNode({
    opType: "DequantizeLinear",

    input: [input, scale, zeroPoint],
    output: [out],
    attribute: axis === undefined ? [] : [attr.int("axis", axis)],
  });
  view.nodes.push(node);
  return node;
}

/** Dense float values of a constant (splats expanded). */
export function denseValues(c: ConstTensor): Float32Array {
  return float32Of(c);
}
