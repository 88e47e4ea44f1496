/**
 * What the op handlers (`op-handlers.ts`) emit for a node chosen for int8: the int8 weight
 * and int32 bias of a Conv/Gemm/MatMul, or the quantized constant inputs of an op with its
 * own parameters (Add, Mul, Concat…), each followed by a DequantizeLinear.
 */
import { inputAt, type OnnxNode } from "../../formats/onnx/onnx-model.ts";
import { attrFloat, attrInt, type GraphView } from "../../formats/onnx/graph-view.ts";
import { type ActivationType, activationParams, type QParams, qRange, quantizeBias, quantizeValue } from "./quant-params.ts";
import { DT, float32Of, int32Tensor, int8Tensor } from "../../formats/onnx/tensor-data.ts";
import { dequantize, emitInt8Weight, scaleInit, zeroPointInit } from "./weight-emit.ts";

/** State shared by the emitters of one quantization pass. */
export interface EmitContext {
  readonly view: GraphView;
  /** Activation tensor → its quantization parameters (inputs of weighted ops are read from here). */
  readonly act: ReadonlyMap<string, QParams>;
  /** Elem type of each tensor (ONNX TensorProto.DataType). */
  readonly types: ReadonlyMap<string, number>;
  /** Per-channel weight scales (else per tensor). */
  readonly perChannel: boolean;
  readonly activationType: ActivationType;
  /** Constant float input → its DequantizeLinear output, so a shared constant is quantized once. */
  readonly constDone: Map<string, string>;
}

/** Quantizes the weight (and bias) of a Conv/Gemm/MatMul; returns true or the reason it cannot. */
export function emitWeighted(n: OnnxNode, ctx: EmitContext): true | string {
  const { view } = ctx;
  const op = n.opType;
  const wName = inputAt(n, 1);
  const wc = view.constFloat(wName);
  if (!wc) return true; // MatMul with two activations: plain QDQ on both
  let axis: number | undefined;
  if (op === "Conv") axis = 0;
  else if (op === "Gemm") axis = attrInt(n, "transB", 0) ? 0 : 1;
  else axis = wc.dims.length === 2 ? 1 : undefined;
  if (!ctx.perChannel) axis = undefined;
  const wBase = view.fresh("w");
  const w = emitInt8Weight(view, wBase, wc, axis);
  const wScale = scaleInit(view, `${wBase}_s`, w.scales);
  const wZp = zeroPointInit(view, `${wBase}_zp`, DT.INT8, new Array<number>(w.scales.length).fill(0));
  const wDq = view.fresh(`${wBase}_dq`);
  dequantize(view, w.quantName, wScale, wZp, w.scales.length > 1 ? axis : undefined, wDq);
  n.input = n.input.map((x, i) => (i === 1 ? wDq : x));

  const bName = n.input[2];
  if (!bName || op === "MatMul") return true;
  const bc = view.constFloat(bName);
  const inParams = ctx.act.get(inputAt(n, 0));
  const channels = op === "Conv" ? (wc.dims[0] ?? 0) : ((attrInt(n, "transB", 0) ? wc.dims[0] : wc.dims[1]) ?? 0);
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
  n.input = n.input.map((x, i) => (i === 2 ? bDq : x));
  return true;
}

/** Constant float inputs of Add/Mul/Concat…: stored quantized like activations (ORT does the same). */
export function emitConstInputs(n: OnnxNode, ctx: EmitContext): true {
  n.input = n.input.map((t) => {
    const c = t && ctx.types.get(t) === DT.FLOAT ? ctx.view.constFloat(t) : undefined;
    if (!c) return t;
    const known = ctx.constDone.get(t);
    if (known) return known;
    const dq = quantizeConstActivation(ctx.view, t, float32Of(c), c.dims, ctx.activationType);
    ctx.constDone.set(t, dq);
    return dq;
  });
  return true;
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
