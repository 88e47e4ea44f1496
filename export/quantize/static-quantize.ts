/**
 * Static quantization in QDQ form, following ONNX Runtime's Python QDQ quantizer:
 * int8 symmetric weights (per channel), int32 biases, asymmetric uint8/int8 activations
 * from calibration, QuantizeLinear→DequantizeLinear pairs on the activations of the ops
 * ORT's CPU EP runs quantized, so that its optimizer fuses them (QLinearConv, QGemm,
 * QLinearMatMul, QLinearAdd, QLinearConcat, QLinearGlobalAveragePool, 8-bit MaxPool…).
 */
import type * as ort from "onnxruntime-node";
import { onnx } from "../../formats/onnx/onnx-io.ts";
import { inputAt, makeNode, type OnnxModel, type OnnxNode, outputAt } from "../../formats/onnx/onnx-model.ts";
import { foldablePairs, foldBatchNorm } from "./batchnorm-fold.ts";
import { calibrateRanges } from "./calibrate.ts";
import type { RangeStats } from "./calibration-methods.ts";
import { moveReluAfterPool } from "./float-conv-boundary.ts";
import { flattenChannelsLast, type FlattenContext } from "./channels-last-flatten.ts";
import type { EmitContext } from "./emit-quantized.ts";
import { cloneModel, GraphView, inferElemTypes, topoSort } from "../../formats/onnx/graph-view.ts";
import { handlerOf, unsupportedReason, type CheckContext } from "./op-handlers.ts";
import { defaultOpset, sumToAdd, upgradeOpset } from "./opset-upgrade.ts";
import { DEFAULT_MIN_CONV_INPUT_CHANNELS, DEFAULT_PERCENTILE, type QuantReport, type StaticQuantOptions } from "./options.ts";
import { activationParams, type QParams } from "./quant-params.ts";
import { floatReport } from "./report.ts";
import { DT } from "../../formats/onnx/tensor-data.ts";
import { dequantize, scaleInit, zeroPointInit } from "./weight-emit.ts";

interface Plan {
  /** Activation tensors to wrap in Q→DQ, with their parameters. */
  readonly act: Map<string, QParams>;
  readonly quantized: OnnxNode[];
  readonly reasons: Map<OnnxNode, string>;
}

/** The key a node is named by in {@link StaticQuantOptions.floatNodes}: its name, else its first output. */
export function nodeKey(node: OnnxNode): string {
  return node.name || outputAt(node, 0);
}

/**
 * Statically quantizes a float model (QDQ format). Calibration runs the float model in ORT
 * on `calibrationFeeds` (one `session.run` feed each, float32 inputs). Never throws for an
 * unsupported graph: what cannot be quantized stays float and is listed in the report.
 */
export async function quantizeStatic(
  model: onnx.IModelProto,
  calibrationFeeds: Record<string, ort.Tensor>[],
  options: StaticQuantOptions,
): Promise<{ model: OnnxModel; report: QuantReport }> {
  const out = cloneModel(model);
  const view = new GraphView(out.graph);
  let perChannel = options.perChannel ?? true;
  const notes: string[] = [];
  let up = upgradeOpset(out, view, 13);
  if (!up.ok && defaultOpset(out) < 13) {
    notes.push(up.reason);
    perChannel = false;
    up = upgradeOpset(out, view, Math.max(10, defaultOpset(out)));
  }
  if (!up.ok) return { model: cloneModel(model), report: floatReport(view, new Map(), up.reason) };
  if (perChannel && defaultOpset(out) < 13) perChannel = false;
  sumToAdd(view);
  view.reindex();
  const originalNodes = [...view.nodes];

  const foldable = foldablePairs(view);
  const types = inferElemTypes(view);
  const isFloat = (t: string): boolean => t !== "" && types.get(t) === DT.FLOAT && !view.isConst(t);
  const candidates = view.nodes.filter((n) => handlerOf(n) !== undefined);
  const wanted = new Set<string>();
  for (const n of candidates) for (const t of [...n.input, ...n.output]) if (isFloat(t)) wanted.add(t);
  for (const { bn } of foldable) wanted.add(outputAt(bn, 0));
  // calibrate before folding BatchNormalization (small splat weights stay splats for the float runs)
  const cache = options.rangeCache;
  const need = [...wanted].filter((t) => !cache?.has(t));
  const fresh =
    need.length > 0 || !cache
      ? await calibrateRanges(out, calibrationFeeds, need, { method: options.method, percentile: options.percentile ?? DEFAULT_PERCENTILE })
      : new Map<string, RangeStats>();
  for (const [t, r] of fresh) cache?.set(t, r);
  const ranges = new Map(
    [...wanted].flatMap((t): [string, RangeStats][] => {
      const r = fresh.get(t) ?? cache?.get(t);
      return r ? [[t, r]] : [];
    }),
  );
  const folded = foldBatchNorm(view, foldable);
  for (const bn of folded) types.set(outputAt(bn, 0), DT.FLOAT);

  const minCin = options.minConvInputChannels ?? DEFAULT_MIN_CONV_INPUT_CHANNELS;
  const plan: Plan = { act: new Map(), quantized: [...folded], reasons: new Map() };
  const params = (t: string): QParams | undefined => {
    const r = ranges.get(t);
    return r ? activationParams(r.min, r.max, options.activationType) : undefined;
  };
  const actInputs = (n: OnnxNode): string[] => n.input.filter(isFloat);
  const weightOf = (n: OnnxNode): string | undefined => (handlerOf(n)?.kind === "weighted" ? n.input[1] : undefined);
  const isDirect = (n: OnnxNode | undefined): boolean => n !== undefined && handlerOf(n)?.kind === "direct";
  const checkContext: CheckContext = { view, minConvInputChannels: minCin };
  const forced = options.floatNodes ?? new Map<string, string>();

  // 1. which nodes can be quantized: the op table says, then the caller's forced-float set
  const chosen = new Set<OnnxNode>();
  for (const n of view.nodes) {
    const handler = handlerOf(n);
    if (!handler) {
      plan.reasons.set(n, unsupportedReason(n));
      continue;
    }
    const why = forced.get(nodeKey(n)) ?? handler.check(n, checkContext);
    if (why !== undefined) {
      plan.reasons.set(n, why);
      continue;
    }
    const w = weightOf(n);
    const acts = actInputs(n).filter((t) => t !== w || !view.constFloat(t));
    const missing = acts.find((t) => !ranges.has(t));
    if (acts.length === 0 || missing) {
      plan.reasons.set(n, missing ? `no calibration range for input "${missing}"` : "no float activation input");
      continue;
    }
    chosen.add(n);
  }
  // float Convs (few input channels) followed by Relu → MaxPool: the Relu after the pool (see float-conv-boundary.ts)
  for (const n of [...plan.reasons.keys()]) if (n.opType === "Conv" && (minCin > 0 || forced.size > 0)) moveReluAfterPool(view, n);
  // data movement and Relu/Clip only make sense after a quantized producer (else nothing is 8-bit there;
  // a float Conv keeps its Relu so ORT fuses them); in graph order, so a chain of them follows its producer
  for (const n of view.nodes.filter((x) => chosen.has(x))) {
    if (!isDirect(n) && n.opType !== "Relu" && n.opType !== "Clip") continue;
    const p = view.producer.get(inputAt(n, 0));
    if (!p || !chosen.has(p)) {
      chosen.delete(n);
      plan.reasons.set(n, "input not produced by a quantized op");
    }
  }

  // Flatten after a quantized Conv: in NHWC order, so ORT needs no Transpose back to NCHW (see channels-last-flatten.ts)
  const flattenContext: FlattenContext = { view, quantized: (n) => chosen.has(n), dimsOf: (t) => ranges.get(t)?.dims };
  for (const n of view.nodes.filter((x) => x.opType === "Flatten" && chosen.has(x))) {
    const transpose = flattenChannelsLast(flattenContext, n);
    if (!transpose) continue;
    chosen.add(transpose);
    const [x = "", y = ""] = [inputAt(transpose, 0), outputAt(transpose, 0)];
    types.set(y, DT.FLOAT);
    const r = ranges.get(x);
    if (r) ranges.set(y, r);
  }

  // 2. Relu after a quantized op: drop it, quantize the producer's output with Relu's range (ORT does this)
  const removed = new Set<OnnxNode>();
  for (const n of view.nodes) {
    if (n.opType !== "Relu" || !chosen.has(n)) continue;
    const x = inputAt(n, 0);
    const y = outputAt(n, 0);
    const p = view.producer.get(x);
    const sole = view.consumersOf(x).length === 1 && !view.graphOutputs.has(x);
    // (not when Relu's output is a graph output: the producer's raw output would replace it)
    if (p && chosen.has(p) && !isDirect(p) && sole && ranges.has(y) && !view.graphOutputs.has(y)) {
      p.output = p.output.map((o) => (o === x ? y : o));
      removed.add(n);
      chosen.delete(n);
      plan.quantized.push(n);
    }
  }
  view.removeNodes(removed);

  // 3. activation parameters
  for (const n of view.nodes) {
    if (!chosen.has(n)) continue;
    for (const t of actInputs(n)) {
      if (t === weightOf(n) && view.constFloat(t)) continue;
      const p = plan.act.get(t) ?? params(t);
      if (p) plan.act.set(t, p);
    }
    const y = outputAt(n, 0);
    if (isDirect(n)) {
      const p = plan.act.get(inputAt(n, 0));
      if (p) plan.act.set(y, p);
    } else {
      const p = params(y);
      if (p && isFloat(y)) plan.act.set(y, p);
    }
  }

  // 4. weights and biases (weighted ops), then 5. constant inputs of ops with their own parameters
  const zpType = options.activationType === "uint8" ? DT.UINT8 : DT.INT8;
  const emit: EmitContext = { view, act: plan.act, types, perChannel, activationType: options.activationType, constDone: new Map() };
  for (const n of view.nodes.filter((x) => chosen.has(x))) {
    const handler = handlerOf(n);
    const ok = handler?.kind === "weighted" ? handler.emit(n, emit) : true;
    if (ok !== true) {
      chosen.delete(n);
      plan.reasons.set(n, ok);
      continue;
    }
    plan.quantized.push(n);
  }
  for (const n of view.nodes.filter((x) => chosen.has(x))) {
    const handler = handlerOf(n);
    if (handler && handler.kind !== "weighted") handler.emit(n, emit);
  }

  // 6. Q→DQ pairs on activations
  // Short generated names (a, a_1, ...): in a small model the QDQ graph's names are a visible share of the file.
  for (const [t, p] of plan.act) {
    const base = view.fresh("a");
    const scale = scaleInit(view, `${base}_s`, Float32Array.of(p.scale));
    const zp = zeroPointInit(view, `${base}_zp`, zpType, [p.zeroPoint]);
    const q = view.fresh(`${base}_q`);
    const dq = view.fresh(`${base}_dq`);
    view.replaceUses(t, dq);
    view.nodes.push(makeNode({ opType: "QuantizeLinear", input: [t, scale, zp], output: [q] }));
    dequantize(view, q, scale, zp, undefined, dq);
  }
  view.pruneUnused();
  topoSort(view.graph);
  view.reindex();
  const report = floatReport(view, plan.reasons, undefined, plan.quantized, originalNodes);
  for (const note of notes) report.float.push({ name: "(model)", opType: "opset", reason: `per-tensor weights: ${note}` });
  return { model: out, report };
}
