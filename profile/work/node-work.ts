/**
 * Per-node work of an ONNX graph at concrete input shapes: multiply-accumulates (Conv incl.
 * grouped and depthwise, ConvTranspose, Gemm, MatMul and their integer/QLinear forms), the
 * other arithmetic (bias adds, activations, pooling, softmax, normalisation) counted
 * apart, and the bytes each node must move: constant inputs (weights), activation inputs
 * and outputs. Conventions are in op-costs.ts.
 *
 * QDQ graphs (our static INT8 export, ORT's `quantize_static`) are counted as ONNX Runtime
 * runs them after fusion: a Conv/Gemm/MatMul whose data and weight inputs both come from
 * DequantizeLinear is an integer node reading the int8/uint8 tensors; those DequantizeLinear
 * nodes, and a QuantizeLinear right after such a node (or after its Relu/Clip), are fused
 * into it and cost nothing on their own; the node's output is counted at the quantized size.
 * DQ → MaxPool/Reshape/Flatten/Transpose… → Q loses its DQ and Q the same way (ORT runs
 * those ops on the uint8 tensor).
 */
import { asOnnxModel, onnx } from "../../formats/onnx/onnx-io.ts";
import { inputAt, type OnnxModel, type OnnxNode, outputAt } from "../../formats/onnx/onnx-model.ts";
import { attrInt, attrInts, GraphView, inferElemTypes } from "../../formats/onnx/graph-view.ts";
import { attrTensor } from "../../formats/onnx/tensor-data.ts";
import { INTEGER_MAC_OPS, MAC_OPS, opFamily, OPS_PER_ELEMENT, VIEW_OPS, type OpFamily } from "./op-costs.ts";
import { inferShapes, type Dims, type ShapeMap } from "./tensor-shapes.ts";

/** Work of one node for one `session.run` at the inferred shapes. */
export interface NodeWork {
  readonly name: string;
  readonly opType: string;
  readonly family: OpFamily;
  /** Multiply-accumulates. */
  readonly macs: number;
  /** True when the MACs are integer (int8/uint8 operands). */
  readonly integer: boolean;
  /** Other arithmetic operations (adds, compares, activations…), not MACs. */
  readonly otherOps: number;
  /** Bytes of constant inputs (weights, biases) read. */
  readonly weightBytes: number;
  /** The constant tensors behind `weightBytes` with their bytes (to count shared weights once). */
  readonly weights: readonly (readonly [string, number])[];
  /** Bytes of non-constant inputs read. */
  readonly inputBytes: number;
  /** Bytes of outputs written. */
  readonly outputBytes: number;
  /** Why the node's work is not (fully) counted: unknown shapes or an op not modelled. */
  readonly uncounted?: string;
}

/** Bytes per element of ONNX TensorProto.DataType codes. */
export const ELEM_BYTES: Readonly<Record<number, number>> = { 1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8, 16: 2 };

const numel = (d: Dims) => d.reduce((a, b) => a * b, 1);
const FOLLOW_CONST = new Set(["DequantizeLinear", "Cast", "Transpose", "Reshape", "Identity", "Unsqueeze", "Squeeze"]);
const ACTIVATIONS = new Set(["Relu", "Clip"]);
/** Ops ORT runs directly on quantized tensors when wrapped in DQ → op → Q (its "drop QDQ" rules). */
const DROP_QDQ = new Set(["MaxPool", "Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze", "Gather", "Slice", "Resize"]);

/** Counts every node of `model` with its inputs at `inputShapes`. */
export function countNodeWork(loose: onnx.IModelProto | OnnxModel, inputShapes: Readonly<Record<string, Dims>>): { nodes: NodeWork[]; shapes: ShapeMap } {
  const model = asOnnxModel(loose);
  const view = new GraphView(model.graph);
  const shapes = inferShapes(model, inputShapes);
  const types = inferElemTypes(view);
  const realInputs = new Set(view.graph.input.map((v) => v.name).filter((n) => !view.initializers.has(n)));

  const constMemo = new Map<string, boolean>();
  const isConst = (name: string): boolean => {
    if (!name) return false;
    const known = constMemo.get(name);
    if (known !== undefined) return known;
    let result = false;
    if (view.initializers.has(name) && !realInputs.has(name)) result = true;
    else {
      const p = view.producer.get(name);
      if (p && (p.opType === "Constant" || p.opType === "ConstantOfShape")) result = true;
      else if (p && FOLLOW_CONST.has(p.opType)) result = p.input.filter(Boolean).every(isConst);
    }
    constMemo.set(name, result);
    return result;
  };
  const elemType = (name: string): number => {
    const t = types.get(name);
    if (t) return t;
    const p = view.producer.get(name);
    if (p?.opType === "ConstantOfShape") return attrTensor(p, "value")?.dataType ?? 1;
    return 1;
  };
  const bytesOf = (name: string): number => {
    const d = shapes.dims.get(name);
    return d ? numel(d) * (ELEM_BYTES[elemType(name)] ?? 4) : 0;
  };
  /** A constant's stored tensor: through DequantizeLinear to the int8 weights a fused kernel reads. */
  const constRoot = (name: string): string => {
    const p = view.producer.get(name);
    return p?.opType === "DequantizeLinear" && isConst(inputAt(p, 0)) ? constRoot(inputAt(p, 0)) : name;
  };

  // QDQ fusion (see the file comment).
  const fromDq = (name: string) => view.producer.get(name)?.opType === "DequantizeLinear";
  const integerNodes = new Set<OnnxNode>();
  for (const n of view.nodes) {
    const op = n.opType;
    if (!MAC_OPS.has(op)) continue;
    if (INTEGER_MAC_OPS.has(op) || (fromDq(inputAt(n, 0)) && fromDq(inputAt(n, 1)))) integerNodes.add(n);
  }
  // DQ → MaxPool/Reshape/… → Q: ORT drops the pair and runs the op on the quantized tensor.
  const single = (name: string) => {
    const c = view.consumersOf(name);
    return c.length === 1 && !view.graphOutputs.has(name) ? c[0] : undefined;
  };
  const dropNodes = new Set<OnnxNode>();
  for (const n of view.nodes) {
    if (!DROP_QDQ.has(n.opType) || !fromDq(inputAt(n, 0))) continue;
    if (single(outputAt(n, 0))?.opType === "QuantizeLinear") dropNodes.add(n);
  }
  const fused = new Set<OnnxNode>();
  const quantizedOutput = new Map<string, number>(); // tensor → elem type it is written in
  for (const n of view.nodes) {
    if (n.opType === "DequantizeLinear") {
      const consumers = view.consumersOf(outputAt(n, 0));
      const fusing = (c: OnnxNode) => (integerNodes.has(c) && !INTEGER_MAC_OPS.has(c.opType)) || dropNodes.has(c);
      if (consumers.length > 0 && !view.graphOutputs.has(outputAt(n, 0)) && consumers.every(fusing)) fused.add(n);
    }
    if (n.opType === "QuantizeLinear") {
      const x = inputAt(n, 0);
      const p = view.producer.get(x);
      const outType = elemType(outputAt(n, 0));
      if (p && (integerNodes.has(p) || dropNodes.has(p)) && single(x) === n) {
        fused.add(n);
        quantizedOutput.set(x, outType);
      } else if (p && ACTIVATIONS.has(p.opType) && single(x) === n) {
        const pp = view.producer.get(inputAt(p, 0));
        if (pp && integerNodes.has(pp) && single(inputAt(p, 0)) === p) {
          fused.add(n);
          quantizedOutput.set(x, outType);
          quantizedOutput.set(inputAt(p, 0), outType);
        }
      }
    }
  }
  const activationBytes = (name: string): number => {
    const p = view.producer.get(name);
    if (p && fused.has(p) && p.opType === "DequantizeLinear") return bytesOf(inputAt(p, 0));
    if (p && fused.has(p) && p.opType === "QuantizeLinear") return bytesOf(name);
    const q = quantizedOutput.get(name);
    const d = shapes.dims.get(name);
    return q !== undefined && d ? numel(d) * (ELEM_BYTES[q] ?? 1) : bytesOf(name);
  };

  const nodes: NodeWork[] = [];
  for (const n of view.nodes) {
    const op = n.opType;
    if (fused.has(n) || op === "Constant" || op === "ConstantOfShape") continue;
    const ins = n.input.filter(Boolean);
    const outs = n.output.filter(Boolean);
    // A node computing only on constants (a weight DequantizeLinear, a constant Reshape) is folded at load.
    if (ins.length > 0 && ins.every(isConst)) continue;
    const out = shapes.dims.get(outs[0] ?? "");
    const x = shapes.dims.get(ins[0] ?? "");
    const family = opFamily(op);
    let macs = 0;
    let otherOps = 0;
    let uncounted: string | undefined;
    const view0 = VIEW_OPS.has(op);
    if (!out || (!x && !view0)) {
      uncounted = `output shape of ${op} "${n.name || outs[0] || op}" not inferred`;
    } else if (MAC_OPS.has(op)) {
      ({ macs, otherOps } = macWork(n, op, out, shapes));
    } else if (op === "MaxPool" || op === "AveragePool" || op === "LpPool") {
      otherOps = numel(out) * numel(attrInts(n, "kernel_shape") ?? []);
    } else if (op === "GlobalAveragePool" || op === "GlobalMaxPool" || op === "GlobalLpPool") {
      otherOps = x ? numel(x) : 0;
    } else if (op === "LRN") {
      otherOps = numel(out) * (2 * attrInt(n, "size", 1) + 3);
    } else if (op === "Sum" || op === "Mean") {
      otherOps = numel(out) * (ins.length - 1 + (op === "Mean" ? 1 : 0));
    } else if (OPS_PER_ELEMENT[op] !== undefined) {
      otherOps = numel(out) * (OPS_PER_ELEMENT[op] ?? 0);
    } else if (family !== "data movement") {
      uncounted = `op ${op} is not modelled (its arithmetic is not counted)`;
    }
    const weights = view0 ? [] : [...new Set(ins.filter(isConst).map(constRoot))].map((w) => [w, bytesOf(w)] as const);
    nodes.push({
      name: n.name || outs[0] || op,
      opType: op,
      family,
      macs,
      integer: integerNodes.has(n),
      otherOps,
      weightBytes: weights.reduce((s, w) => s + w[1], 0),
      weights,
      inputBytes: view0 ? 0 : ins.filter((i) => !isConst(i)).reduce((s, i) => s + activationBytes(i), 0),
      outputBytes: view0 ? 0 : outs.reduce((s, o) => s + activationBytes(o), 0),
      ...(uncounted ? { uncounted } : {}),
    });
  }
  return { nodes, shapes };
}

/** MACs (and bias adds as other ops) of a Conv/Gemm/MatMul-family node. */
function macWork(n: OnnxNode, op: string, out: Dims, shapes: ShapeMap): { macs: number; otherOps: number } {
  const ins = n.input;
  const dimsOf = (k: number) => shapes.dims.get(ins[k] ?? "");
  if (op === "Conv" || op === "ConvInteger" || op === "QLinearConv") {
    const w = dimsOf(op === "QLinearConv" ? 3 : 1) ?? [];
    const bias = op === "Conv" ? ins[2] : op === "QLinearConv" ? ins[8] : undefined;
    // w = [M, C/group, k…]: every output element is C/group × k… MACs (grouped and depthwise alike)
    return { macs: numel(out) * numel(w.slice(1)), otherOps: bias ? numel(out) : 0 };
  }
  if (op === "ConvTranspose") {
    const x = dimsOf(0) ?? [];
    const w = dimsOf(1) ?? [];
    return { macs: numel(x) * numel(w.slice(1)), otherOps: ins[2] ? numel(out) : 0 };
  }
  if (op === "Gemm") {
    const a = dimsOf(0) ?? [];
    const k = attrInt(n, "transA", 0) ? (a[0] ?? 0) : (a[1] ?? 0);
    return { macs: numel(out) * k, otherOps: ins[2] ? numel(out) : 0 };
  }
  const a = dimsOf(0) ?? [];
  return { macs: numel(out) * (a[a.length - 1] ?? 0), otherOps: 0 };
}
