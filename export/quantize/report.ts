/** Building the QuantReport from the nodes a pass converted and the reasons for the rest. */
import { type OnnxNode, outputAt } from "../../formats/onnx/onnx-model.ts";
import type { GraphView } from "../../formats/onnx/graph-view.ts";
import type { QuantReport } from "./options.ts";

/** Ops that only produce constants; the report does not list them. */
const CONSTANT_OPS = new Set(["Constant", "ConstantOfShape"]);

/**
 * The report: `quantized` nodes as given; every other compute node of `nodes` (default:
 * the view's current nodes) is listed as float with its reason from `reasons`, or with
 * `allReason` when the whole model was left float.
 */
export function floatReport(
  view: GraphView,
  reasons: ReadonlyMap<OnnxNode, string>,
  allReason?: string,
  quantized: readonly OnnxNode[] = [],
  nodes: readonly OnnxNode[] = view.nodes,
): QuantReport {
  const done = new Set(quantized);
  const label = (n: OnnxNode): { name: string; opType: string } => ({
    name: n.name || outputAt(n, 0),
    opType: n.opType,
  });
  const float: QuantReport["float"] = [];
  for (const n of nodes) {
    if (done.has(n) || CONSTANT_OPS.has(n.opType)) continue;
    float.push({ ...label(n), reason: allReason ?? reasons.get(n) ?? "not converted" });
  }
  return { quantized: quantized.map(label), float };
}
