/**
 * FP16 conversion: float weights stored as float16, nodes run in float16 where ONNX
 * Runtime's CPU EP has a float16 kernel, Casts at the boundaries so the model's inputs
 * and outputs stay float32. Nodes without a float16 CPU kernel stay float32 (their
 * float16 weights get a Cast that ORT constant-folds at load) and are reported.
 */
import { onnx } from "../../formats/onnx/onnx-io.ts";
import { int64, makeNode, type OnnxModel, type OnnxNode, outputAt } from "../../formats/onnx/onnx-model.ts";
import { attr, cloneModel, GraphView, inferElemTypes, topoSort } from "../../formats/onnx/graph-view.ts";
import type { QuantReport } from "./options.ts";
import { floatReport } from "./report.ts";
import { attrTensor, DT, float16Tensor, tensorToFloat32 } from "../../formats/onnx/tensor-data.ts";

/**
 * Ops with a float16 kernel in ORT 1.30's CPU EP on x86-64, found by running one-node
 * float16 models and looking for the Casts ORT inserts around nodes it has no float16
 * kernel for (Conv, Gemm, MatMul, Relu, pools, Add, Softmax… all get Casts there).
 */
export const ORT_CPU_FP16_OPS: ReadonlySet<string> = new Set([
  "Identity",
  "Flatten",
  "Concat",
  "Transpose",
  "Reshape",
  "Squeeze",
  "Unsqueeze",
  "Max",
  "Min",
  "Round",
  "Clip",
]);

/** Data-movement ops: they run in float16 only when their data input already is float16. */
const FOLLOWERS = new Set(["Identity", "Flatten", "Concat", "Transpose", "Reshape", "Squeeze", "Unsqueeze"]);
/** Ops whose float input may be of either precision (no Cast needed in front). */
const ANY_INPUT = new Set(["Cast", "Shape", "Size"]);

/** Options of convertFp16. */
export interface Fp16Options {
  /** Op types run in float16; default ORT_CPU_FP16_OPS (pass a larger set for GPU EPs). */
  readonly fp16Ops?: ReadonlySet<string>;
}

/**
 * Converts a float32 model to float16 weights (and float16 compute where the op set allows),
 * keeping float32 inputs and outputs. Never throws for an unsupported graph.
 */
export function convertFp16(model: onnx.IModelProto, options: Fp16Options = {}): { model: OnnxModel; report: QuantReport } {
  const fp16Ops = options.fp16Ops ?? ORT_CPU_FP16_OPS;
  const out = cloneModel(model);
  const graph = out.graph;
  topoSort(graph);
  const view = new GraphView(graph);
  const types = inferElemTypes(view);
  const half = new Set<string>(); // float tensors now held in float16
  if (int64(out.irVersion) < 4) {
    // IR 3 lists initializers as inputs; IR 4 lets them be plain constants, so they can change type
    const inits = new Set(graph.initializer.map((t) => t.name));
    graph.input = graph.input.filter((v) => !inits.has(v.name));
    out.irVersion = 4;
  }
  const graphInputs = new Set(graph.input.map((v) => v.name));

  // constants: float initializers (not graph inputs) and Constant/ConstantOfShape values → float16
  graph.initializer = graph.initializer.map((t) => {
    const name = t.name;
    if (t.dataType !== DT.FLOAT || graphInputs.has(name)) return t;
    half.add(name);
    return float16Tensor(name, t.dims.map(Number), tensorToFloat32(t) ?? new Float32Array());
  });
  for (const n of view.nodes) {
    if (n.opType !== "Constant" && n.opType !== "ConstantOfShape") continue;
    const t = attrTensor(n, "value");
    if (n.opType === "ConstantOfShape" && !t) {
      n.attribute = [attr.tensor("value", float16Tensor("", [1], new Float32Array(1)))];
    } else if (t?.dataType === DT.FLOAT) {
      n.attribute = n.attribute.map((a) =>
        a.name === "value" ? attr.tensor("value", float16Tensor(t.name, t.dims.map(Number), tensorToFloat32(t) ?? new Float32Array())) : a,
      );
    } else continue;
    half.add(outputAt(n, 0));
  }

  const casts = new Map<string, string>();
  const castTo = (t: string, toHalf: boolean): string => {
    const key = `${t}|${toHalf}`;
    const known = casts.get(key);
    if (known) return known;
    const name = view.fresh(`${t}_${toHalf ? "fp16" : "fp32"}`);
    newNodes.push(
      makeNode({ opType: "Cast", name: view.fresh(`${name}_cast`), input: [t], output: [name], attribute: [attr.int("to", toHalf ? DT.FLOAT16 : DT.FLOAT)] }),
    );
    casts.set(key, name);
    return name;
  };
  const newNodes: OnnxNode[] = [];
  const converted: OnnxNode[] = [];
  const reasons = new Map<OnnxNode, string>();
  for (const n of [...view.nodes]) {
    const op = n.opType;
    if (op === "Constant" || op === "ConstantOfShape") {
      newNodes.push(n);
      continue;
    }
    const floatIns = n.input.filter((i) => i && types.get(i) === DT.FLOAT);
    const first = floatIns[0];
    let runHalf = n.domain === "" && fp16Ops.has(op) && floatIns.length > 0;
    if (runHalf && FOLLOWERS.has(op) && first !== undefined && !half.has(first)) runHalf = false;
    if (!ANY_INPUT.has(op)) {
      n.input = n.input.map((i) => (i && types.get(i) === DT.FLOAT && half.has(i) !== runHalf ? castTo(i, runHalf) : i));
    }
    newNodes.push(n);
    if (op === "Cast") continue;
    if (runHalf) {
      for (const o of n.output) if (types.get(o) === DT.FLOAT) half.add(o);
      converted.push(n);
    } else if (floatIns.length > 0) {
      reasons.set(
        n,
        FOLLOWERS.has(op) && fp16Ops.has(op)
          ? "data movement kept in its input's precision (float32)"
          : `no float16 kernel for ${op} in ORT's CPU EP (x86-64): kept float32`,
      );
    }
  }
  graph.node = newNodes;
  // float32 interface: outputs held in float16 get a Cast back
  for (const o of graph.output) {
    const name = o.name;
    if (!half.has(name)) continue;
    const inner = view.fresh(`${name}_fp16`);
    for (const n of graph.node) {
      n.output = n.output.map((x) => (x === name ? inner : x));
      n.input = n.input.map((x) => (x === name ? inner : x));
    }
    graph.node.push(makeNode({ opType: "Cast", name: view.fresh(`${name}_cast`), input: [inner], output: [name], attribute: [attr.int("to", DT.FLOAT)] }));
  }
  graph.valueInfo = graph.valueInfo.filter((v) => !half.has(v.name));
  topoSort(graph);
  const report = floatReport(view, reasons, undefined, converted, [...converted, ...reasons.keys()]);
  return { model: out, report };
}
