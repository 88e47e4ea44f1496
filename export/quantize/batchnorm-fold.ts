/**
 * Folding inference BatchNormalization into the Conv before it, as ORT's quantization
 * pre-processing (its graph optimizer) does: W'_c = W_c·k_c, b'_c = (b_c − mean_c)·k_c + B_c
 * with k_c = scale_c / sqrt(var_c + ε). The Conv then takes the BN's output name, so
 * calibration ranges measured on the unfolded graph still apply. Splat weights become dense.
 */
import { inputAt, type OnnxNode, outputAt } from "../../formats/onnx/onnx-model.ts";
import { attrFloat, GraphView } from "../../formats/onnx/graph-view.ts";
import { float32Of, floatTensor, numel } from "../../formats/onnx/tensor-data.ts";

/** A Conv→BatchNormalization pair that can be folded. */
export interface FoldablePair {
  readonly conv: OnnxNode;
  readonly bn: OnnxNode;
}

/** The Conv→BN pairs whose Conv weight/bias and BN parameters are constants and whose Conv output feeds only the BN. */
export function foldablePairs(view: GraphView): FoldablePair[] {
  const pairs: FoldablePair[] = [];
  for (const bn of view.nodes) {
    if (bn.opType !== "BatchNormalization" || bn.domain !== "") continue;
    if (bn.output.slice(1).some((o) => o)) continue; // training outputs
    const x = inputAt(bn, 0);
    const conv = view.producer.get(x);
    if (conv?.opType !== "Conv" || view.consumersOf(x).length !== 1 || view.graphOutputs.has(x)) continue;
    const w = view.constFloat(inputAt(conv, 1));
    const b = conv.input[2];
    if (!w || (b && !view.constFloat(b))) continue;
    const channels = w.dims[0] ?? 0;
    const params = bn.input.slice(1, 5).map((p) => view.constFloat(p));
    if (params.length !== 4 || params.some((p) => !p || numel(p.dims) !== channels)) continue;
    pairs.push({ conv, bn });
  }
  return pairs;
}

/** Folds the pairs (from foldablePairs on the same view); returns the removed BN nodes. */
export function foldBatchNorm(view: GraphView, pairs: readonly FoldablePair[]): OnnxNode[] {
  const removed = new Set<OnnxNode>();
  for (const { conv, bn } of pairs) {
    const w = view.constFloat(inputAt(conv, 1));
    if (!w) continue;
    const channels = w.dims[0] ?? 0;
    const [scale, shift, mean, variance] = bn.input
      .slice(1, 5)
      .map((p) => float32Of(view.constFloat(p) ?? { kind: "splat", dims: [channels], value: 0, shapeName: "" }));
    const eps = attrFloat(bn, "epsilon", 1e-5);
    const bias = conv.input[2]
      ? float32Of(view.constFloat(conv.input[2]) ?? { kind: "splat", dims: [channels], value: 0, shapeName: "" })
      : new Float32Array(channels);
    const weights = float32Of(w).slice();
    const per = weights.length / channels;
    const newBias = new Float32Array(channels);
    for (let c = 0; c < channels; c++) {
      const k = (scale?.[c] ?? 1) / Math.sqrt((variance?.[c] ?? 1) + eps);
      for (let i = c * per; i < (c + 1) * per; i++) weights[i] = (weights[i] ?? 0) * k;
      newBias[c] = ((bias[c] ?? 0) - (mean?.[c] ?? 0)) * k + (shift?.[c] ?? 0);
    }
    const base = conv.name || (conv.output[0] ?? "conv");
    const wName = view.addInitializer(floatTensor(view.fresh(`${base}_w_bn_folded`), w.dims, weights));
    const bName = view.addInitializer(floatTensor(view.fresh(`${base}_b_bn_folded`), [channels], newBias));
    conv.input = [inputAt(conv, 0), wName, bName];
    conv.output = [outputAt(bn, 0)];
    removed.add(bn);
  }
  view.removeNodes(removed);
  return [...removed];
}
