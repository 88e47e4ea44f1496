/**
 * Static quantization in QDQ form, following ONNX Runtime's Python QDQ quantizer:
 * int8 symmetric weights (per channel), int32 biases, asymmetric uint8/int8 activations
 * from calibration, QuantizeLinear→DequantizeLinear pairs on the activations of the ops
 * ORT's CPU EP runs quantized, so that its optimizer fuses them (QLinearConv, QGemm,
 * QLinearMatMul, QLinearAdd, QLinearConcat, QLinearGlobalAveragePool, 8-bit MaxPool…).
 */
import type * as ort from "onnxruntime-node";
import { onnx } from "../onnx/onnx-io.ts";
import { foldablePairs, foldBatchNorm } from "./batchnorm-fold.ts";
import { calibrateRanges } from "./calibrate.ts";
import { moveBiasReluAfterPool } from "./float-conv-boundary.ts";
import { attrFloat, attrInt, cloneModel, GraphView, inferElemTypes, topoSort } from "./graph-view.ts";
import { defaultOpset, sumToAdd, upgradeOpset } from "./opset-upgrade.ts";
import { DEFAULT_MIN_CONV_INPUT_CHANNELS, DEFAULT_PERCENTILE, type QuantReport, type StaticQuantOptions } from "./options.ts";
import { type ActivationType, activationParams, type QParams, qRange, quantizeBias, quantizeValue } from "./quant-params.ts";
import { floatReport } from "./report.ts";
import { DT, float32Of, int32Tensor, int8Tensor } from "./tensor-data.ts";
import { dequantize, emitInt8Weight, scaleInit, zeroPointInit } from "./weight-emit.ts";

/** Ops with a weight input quantized to int8: the input index of the weight. */
const WEIGHTED = new Set(["Conv", "Gemm", "MatMul"]);
/** Ops whose float inputs and outputs all get their own QDQ (ORT has QLinear kernels for them). */
const OWN_PARAMS = new Set(["Add", "Mul", "Concat", "GlobalAveragePool", "AveragePool", "Relu", "Clip", "LeakyRelu", "Sigmoid"]);
/** Data-movement ops: the output reuses the input's parameters (ORT runs them on 8-bit data). */
const DIRECT = new Set(["MaxPool", "Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze"]);

/** Why ops outside the sets above stay float. */
const FLOAT_REASON: Record<string, string> = {
  Softmax: "Softmax output kept float: probabilities would be rounded to 1/256 steps",
  BatchNormalization: "no quantized BatchNormalization in ORT's CPU EP and no constant Conv before it to fold into; runs in float",
  Shape: "shape computation (int64 output)",
  LRN: "no quantized LRN in ORT's CPU EP",
  Sum: "Sum of more than two inputs has no quantized kernel in ORT (two-input Sum is rewritten as Add)",
};

interface Plan {
  /** Activation tensors to wrap in Q→DQ, with their parameters. */
  readonly act: Map<string, QParams>;
  readonly quantized: onnx.INodeProto[];
  readonly reasons: Map<onnx.INodeProto, string>;
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
): Promise<{ model: onnx.IModelProto; report: QuantReport }> {
  const out = cloneModel(model);
  const view = new GraphView(out.graph as onnx.IGraphProto);
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
  const candidates = view.nodes.filter((n) => (n.domain ?? "") === "" && (WEIGHTED.has(n.opType ?? "") || OWN_PARAMS.has(n.opType ?? "") || DIRECT.has(n.opType ?? "")));
  const wanted = new Set<string>();
  for (const n of candidates) for (const t of [...(n.input ?? []), ...(n.output ?? [])]) if (isFloat(t)) wanted.add(t);
  for (const { bn } of foldable) wanted.add(bn.output?.[0] ?? "");
  // calibrate before folding BatchNormalization (small splat weights stay splats for the float runs)
  const ranges = await calibrateRanges(out, calibrationFeeds, [...wanted], {
    method: options.method,
    percentile: options.percentile ?? DEFAULT_PERCENTILE,
  });
  const folded = foldBatchNorm(view, foldable);
  for (const bn of folded) types.set(bn.output?.[0] ?? "", DT.FLOAT);

  const minCin = options.minConvInputChannels ?? DEFAULT_MIN_CONV_INPUT_CHANNELS;
  const plan: Plan = { act: new Map(), quantized: [...folded], reasons: new Map() };
  const params = (t: string): QParams | undefined => {
    const r = ranges.get(t);
    return r ? activationParams(r.min, r.max, options.activationType) : undefined;
  };
  const actInputs = (n: onnx.INodeProto): string[] => (n.input ?? []).filter(isFloat);
  const weightOf = (n: onnx.INodeProto): string | undefined => (WEIGHTED.has(n.opType ?? "") ? n.input?.[1] : undefined);

  // 1. which nodes can be quantized
  const chosen = new Set<onnx.INodeProto>();
  for (const n of view.nodes) {
    const op = n.opType ?? "";
    if (!candidates.includes(n)) {
      plan.reasons.set(n, FLOAT_REASON[op] ?? `${op} is not in the quantized op set (no ORT CPU QDQ fusion for it)`);
      continue;
    }
    const w = weightOf(n);
    if (op === "Conv" || op === "Gemm") {
      const wc = w ? view.constFloat(w) : undefined;
      if (!wc) {
        plan.reasons.set(n, `weight "${w}" is not a constant`);
        continue;
      }
      const cin = wc.dims[1] ?? 0;
      if (op === "Conv" && cin < minCin) {
        plan.reasons.set(n, `Conv with ${cin} input channel(s) per group (< minConvInputChannels ${minCin}): ORT's int8 QLinearConv is slower than its fp32 Conv there`);
        continue;
      }
      if (op === "Gemm" && wc.dims.length !== 2) {
        plan.reasons.set(n, `Gemm weight rank ${wc.dims.length}, expected 2`);
        continue;
      }
    }
    const acts = actInputs(n).filter((t) => t !== w || !view.constFloat(t));
    const missing = acts.find((t) => !ranges.has(t));
    if (acts.length === 0 || missing) {
      plan.reasons.set(n, missing ? `no calibration range for input "${missing}"` : "no float activation input");
      continue;
    }
    chosen.add(n);
  }
  // float Convs (few input channels) followed by Relu → MaxPool: bias and Relu after the pool (see float-conv-boundary.ts)
  for (const n of [...plan.reasons.keys()]) if (n.opType === "Conv" && minCin > 0) moveBiasReluAfterPool(view, n);
  // data movement and Relu/Clip only make sense after a quantized producer (else nothing is 8-bit there;
  // a float Conv keeps its Relu so ORT fuses them)
  for (const n of [...chosen]) {
    if (!DIRECT.has(n.opType ?? "") && n.opType !== "Relu" && n.opType !== "Clip") continue;
    const p = view.producer.get(n.input?.[0] ?? "");
    if (!p || !chosen.has(p)) {
      chosen.delete(n);
      plan.reasons.set(n, "input not produced by a quantized op");
    }
  }

  // 2. Relu after a quantized op: drop it, quantize the producer's output with Relu's range (ORT does this)
  const removed = new Set<onnx.INodeProto>();
  for (const n of view.nodes) {
    if (n.opType !== "Relu" || !chosen.has(n)) continue;
    const x = n.input?.[0] ?? "";
    const y = n.output?.[0] ?? "";
    const p = view.producer.get(x);
    const sole = (view.consumers.get(x) ?? []).length === 1 && !view.graphOutputs.has(x);
    if (p && chosen.has(p) && !DIRECT.has(p.opType ?? "") && sole && ranges.has(y)) {
      p.output = (p.output ?? []).map((o) => (o === x ? y : o));
      removed.add(n);
      chosen.delete(n);
      plan.quantized.push(n);
    }
  }
  view.removeNodes(removed);

  // 3. activation parameters
  for (const n of view.nodes) {
    if (!chosen.has(n)) continue;
    const op = n.opType ?? "";
    for (const t of actInputs(n)) {
      if (t === weightOf(n) && view.constFloat(t)) continue;
      const p = plan.act.get(t) ?? params(t);
      if (p) plan.act.set(t, p);
    }
    const y = n.output?.[0] ?? "";
    if (DIRECT.has(op)) {
      const p = plan.act.get(n.input?.[0] ?? "");
      if (p) plan.act.set(y, p);
    } else {
      const p = params(y);
      if (p && isFloat(y)) plan.act.set(y, p);
    }
  }

  // 4. weights and biases
  for (const n of view.nodes.filter((x) => chosen.has(x))) {
    const op = n.opType ?? "";
    if (WEIGHTED.has(op)) {
      const ok = quantizeWeighted(view, n, plan, perChannel);
      if (ok !== true) {
        chosen.delete(n);
        plan.reasons.set(n, ok);
        continue;
      }
    }
    plan.quantized.push(n);
  }

  // 5. constant float inputs of Add/Mul/Concat…: stored quantized like activations (ORT does the same)
  const zpType = options.activationType === "uint8" ? DT.UINT8 : DT.INT8;
  const constDone = new Map<string, string>();
  for (const n of view.nodes.filter((x) => chosen.has(x) && OWN_PARAMS.has(x.opType ?? ""))) {
    n.input = (n.input ?? []).map((t) => {
      const c = t && types.get(t) === DT.FLOAT ? view.constFloat(t) : undefined;
      if (!c) return t;
      const known = constDone.get(t);
      if (known) return known;
      const dq = quantizeConstActivation(view, t, float32Of(c), c.dims, options.activationType);
      constDone.set(t, dq);
      return dq;
    });
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
    view.nodes.push({ opType: "QuantizeLinear", input: [t, scale, zp], output: [q] });
    dequantize(view, q, scale, zp, undefined, dq);
  }
  view.pruneUnused();
  topoSort(view.graph);
  view.reindex();
  const report = floatReport(view, plan.reasons, undefined, plan.quantized, originalNodes);
  for (const note of notes) report.float.push({ name: "(model)", opType: "opset", reason: `per-tensor weights: ${note}` });
  return { model: out, report };
}

/** Stores a constant float input as activation-type integers (own min/max params) + DequantizeLinear. */
function quantizeConstActivation(view: GraphView, name: string, data: Float32Array, dims: number[], type: ActivationType): string {
  let lo = 0;
  let hi = 0;
  for (const v of data) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const p = activationParams(lo, hi, type);
  const { qmin, qmax } = qRange(type);
  const values = type === "uint8" ? new Uint8Array(data.length) : new Int8Array(data.length);
  data.forEach((v, i) => (values[i] = quantizeValue(v, p.scale, p.zeroPoint, qmin, qmax)));
  const q = view.addInitializer(int8Tensor(view.fresh(`${name}_qv`), dims, values));
  const scale = scaleInit(view, `${name}_s`, Float32Array.of(p.scale));
  const zp = zeroPointInit(view, `${name}_zp`, type === "uint8" ? DT.UINT8 : DT.INT8, [p.zeroPoint]);
  const dq = view.fresh(`${name}_dq`);
  dequantize(view, q, scale, zp, undefined, dq);
  return dq;
}

/** Quantizes the weight (and bias) of a Conv/Gemm/MatMul; returns true or the reason it cannot. */
function quantizeWeighted(view: GraphView, n: onnx.INodeProto, plan: Plan, perChannel: boolean): true | string {
  const op = n.opType ?? "";
  const wName = n.input?.[1] ?? "";
  const wc = view.constFloat(wName);
  if (!wc) return true; // MatMul with two activations: plain QDQ on both
  let axis: number | undefined;
  if (op === "Conv") axis = 0;
  else if (op === "Gemm") axis = attrInt(n, "transB", 0) ? 0 : 1;
  else axis = wc.dims.length === 2 ? 1 : undefined;
  if (!perChannel) axis = undefined;
  const wBase = view.fresh("w");
  const w = emitInt8Weight(view, wBase, wc, axis);
  const wScale = scaleInit(view, `${wBase}_s`, w.scales);
  const wZp = zeroPointInit(view, `${wBase}_zp`, DT.INT8, new Array<number>(w.scales.length).fill(0));
  const wDq = view.fresh(`${wBase}_dq`);
  dequantize(view, w.quantName, wScale, wZp, w.scales.length > 1 ? axis : undefined, wDq);
  n.input = (n.input ?? []).map((x, i) => (i === 1 ? wDq : x));

  const bName = n.input?.[2];
  if (!bName || op === "MatMul") return true;
  const bc = view.constFloat(bName);
  const inParams = plan.act.get(n.input?.[0] ?? "");
  const channels = op === "Conv" ? (wc.dims[0] ?? 0) : (attrInt(n, "transB", 0) ? wc.dims[0] : wc.dims[1]) ?? 0;
  const biasOk = bc && inParams && bc.dims.reduce((a, b) => a * b, 1) === channels && (op !== "Gemm" || attrFloat(n, "beta", 1) === 1);
  if (!biasOk) return true; // bias stays float; ORT then runs this node unfused
  const qb = quantizeBias(float32Of(bc), inParams.scale, w.scales);
  const bBase = view.fresh("b");
  const bq = view.addInitializer(int32Tensor(view.fresh(`${bBase}_qv`), [channels], qb.values));
  const perChannelBias = w.scales.length > 1;
  const bScale = scaleInit(view, `${bBase}_s`, perChannelBias ? qb.scales : Float32Array.of(qb.scales[0] ?? 1));
  const bZp = zeroPointInit(view, `${bBase}_zp`, DT.INT32, new Array<number>(perChannelBias ? channels : 1).fill(0));
  const bDq = view.fresh(`${bBase}_dq`);
  dequantize(view, bq, bScale, bZp, perChannelBias ? 0 : undefined, bDq);
  n.input = (n.input ?? []).map((x, i) => (i === 2 ? bDq : x));
  return true;
}
