/**
 * Raising a model's default-domain opset so QuantizeLinear/DequantizeLinear (opset 10),
 * per-channel axes (13) and DynamicQuantizeLinear (11) are available. Only done when every
 * op in the graph means the same at the new opset, or is rewritten here: Softmax,
 * LogSoftmax and Hardmax (2-D coercion before opset 13) and Dropout (inference: removed).
 */
import { inputAt, int64, makeNode, type OnnxModel, type OnnxNode, outputAt } from "../../formats/onnx/onnx-model.ts";
import { attr, attrInt, GraphView } from "../../formats/onnx/graph-view.ts";

/**
 * Default-domain ops whose meaning does not change from opset 9 to 13 for the attributes
 * and inputs they can carry at opset 9+ (checked against the ONNX operator changelog).
 */
const STABLE_9_TO_13 = new Set([
  "Abs",
  "Add",
  "And",
  "ArgMax",
  "ArgMin",
  "AveragePool",
  "BatchNormalization",
  "Cast",
  "Ceil",
  "Concat",
  "Constant",
  "ConstantOfShape",
  "Conv",
  "ConvTranspose",
  "DepthToSpace",
  "Div",
  "Elu",
  "Equal",
  "Erf",
  "Exp",
  "Expand",
  "Flatten",
  "Floor",
  "Gather",
  "Gemm",
  "GlobalAveragePool",
  "GlobalMaxPool",
  "Greater",
  "HardSigmoid",
  "Identity",
  "InstanceNormalization",
  "LeakyRelu",
  "Less",
  "Log",
  "LRN",
  "MatMul",
  "Max",
  "MaxPool",
  "Mean",
  "Min",
  "Mul",
  "Neg",
  "Not",
  "Or",
  "Pow",
  "PRelu",
  "Reciprocal",
  "ReduceL2",
  "ReduceMax",
  "ReduceMean",
  "ReduceMin",
  "ReduceProd",
  "Relu",
  "Reshape",
  "Selu",
  "Shape",
  "Sigmoid",
  "Sign",
  "Size",
  "Softplus",
  "Softsign",
  "SpaceToDepth",
  "Sqrt",
  "Sub",
  "Sum",
  "Tanh",
  "Tile",
  "Transpose",
  "Where",
  "Xor",
  // rewritten below
  "Softmax",
  "LogSoftmax",
  "Hardmax",
  "Dropout",
]);

/** The model's default-domain opset version (1 when absent). */
export function defaultOpset(model: OnnxModel): number {
  const entry = model.opsetImport.find((o) => !o.domain || o.domain === "ai.onnx");
  return entry ? int64(entry.version) : 1;
}

/** Outcome of an upgrade attempt. */
export type UpgradeResult = { ok: true; from: number; to: number } | { ok: false; reason: string };

/** Removes inference-time Dropout nodes whose mask output is unused (they are identities). */
export function removeDropout(view: GraphView): number {
  const dead = new Set<OnnxNode>();
  for (const node of view.nodes) {
    if (node.opType !== "Dropout") continue;
    const [x, y, mask] = [inputAt(node, 0), outputAt(node, 0), outputAt(node, 1)];
    if (mask && (view.consumers.has(mask) || view.graphOutputs.has(mask))) continue;
    if (view.graphOutputs.has(y)) {
      node.opType = "Identity";
      node.input = [x];
      node.output = [y];
      node.attribute = [];
      continue;
    }
    view.replaceUses(y, x);
    dead.add(node);
  }
  view.removeNodes(dead);
  return dead.size;
}

function rewriteSoftmaxFamily(view: GraphView, node: OnnxNode): void {
  // before opset 13: softmax over the input coerced to 2-D at `axis` (default 1)
  const axis = attrInt(node, "axis", 1);
  const x = inputAt(node, 0);
  const y = outputAt(node, 0);
  const producer = view.producer.get(x)?.opType;
  if (axis === 1 && (producer === "Gemm" || producer === "Flatten")) {
    // 2-D input: axis 1 is the last axis, same meaning at opset 13
    node.attribute = [attr.int("axis", 1)];
    return;
  }
  const shape = view.fresh(`${x}_shape`);
  const flat = view.fresh(`${x}_flat2d`);
  const soft = view.fresh(`${y}_2d`);
  const name = node.name ?? y;
  const nodes = view.nodes;
  const at = nodes.indexOf(node);
  nodes.splice(
    at,
    1,
    makeNode({ opType: "Shape", input: [x], output: [shape], name: view.fresh(`${name}_shape`) }),
    makeNode({ opType: "Flatten", input: [x], output: [flat], name: view.fresh(`${name}_flatten`), attribute: [attr.int("axis", axis)] }),
    { ...node, input: [flat], output: [soft], attribute: [attr.int("axis", 1)] },
    makeNode({ opType: "Reshape", input: [soft, shape], output: [y], name: view.fresh(`${name}_reshape`) }),
  );
}

/**
 * Raises the default-domain opset to `target` (no-op when already there). Rewrites the
 * ops whose meaning changed, raises the IR version to what the opset needs (and then
 * drops initializers from the graph inputs, so they stay constants for ORT), and refuses
 * (returning the reason) when an op outside the known-stable list is present.
 */
export function upgradeOpset(model: OnnxModel, view: GraphView, target: number): UpgradeResult {
  const from = defaultOpset(model);
  if (from >= target) return { ok: true, from, to: from };
  if (from < 9) return { ok: false, reason: `opset ${from} is older than 9; re-export the model at opset ≥ 13` };
  const unknown = new Set<string>();
  for (const node of view.nodes) {
    const domain = node.domain;
    if ((domain === "" || domain === "ai.onnx") && !STABLE_9_TO_13.has(node.opType)) unknown.add(node.opType);
  }
  if (unknown.size > 0) {
    return { ok: false, reason: `cannot raise opset ${from} to ${target}: ops not known to keep their meaning: ${[...unknown].sort().join(", ")}` };
  }
  removeDropout(view);
  const masked = view.nodes.find((n) => n.opType === "Dropout");
  if (masked) {
    return { ok: false, reason: `cannot raise opset ${from} to ${target}: Dropout "${masked.name}" has its mask output used` };
  }
  if (target >= 13) {
    for (const node of view.nodes.filter((n) => ["Softmax", "LogSoftmax", "Hardmax"].includes(n.opType))) {
      rewriteSoftmaxFamily(view, node);
    }
  }
  view.reindex();
  const entry = model.opsetImport.find((o) => !o.domain || o.domain === "ai.onnx");
  if (entry) entry.version = target;
  else model.opsetImport.push({ domain: "", version: target });
  const irNeeded = target >= 13 ? 7 : target >= 11 ? 6 : 5;
  if (int64(model.irVersion) < irNeeded) {
    if (int64(model.irVersion) < 4) {
      const inits = new Set(view.initializers.keys());
      view.graph.input = view.graph.input.filter((v) => !inits.has(v.name));
    }
    model.irVersion = irNeeded;
  }
  return { ok: true, from, to: target };
}

/** Rewrites two-input Sum as Add (same broadcasting meaning), so ORT can fuse QLinearAdd. */
export function sumToAdd(view: GraphView): number {
  let n = 0;
  for (const node of view.nodes) {
    if (node.opType === "Sum" && (node.input.length ?? 0) === 2) {
      node.opType = "Add";
      n++;
    }
  }
  return n;
}
