/**
 * The static quantizer's op table, like ONNX Runtime's `quantization/registry.py`: for each
 * ONNX op type, how it is quantized (its {@link OpHandler.kind}), when it cannot be (its
 * `check`, which returns the reason) and what it emits (its `emit`: int8 weights and int32
 * biases for weighted ops, quantized constant inputs for ops with their own parameters,
 * nothing for data movement, whose output reuses its input's parameters). Ops missing from
 * the table stay float, with the reason from {@link FLOAT_REASON}.
 */
import { type OnnxNode } from "../../formats/onnx/onnx-model.ts";
import { emitConstInputs, emitWeighted, type EmitContext } from "./emit-quantized.ts";
import type { GraphView } from "../../formats/onnx/graph-view.ts";

/**
 * How an op type is quantized.
 * - `weighted`: a constant weight (input 1) becomes int8 per channel, a bias int32; ORT fuses QLinearConv / QGemm / QLinearMatMul.
 * - `own-params`: every float input and output gets its own QDQ (ORT has QLinear kernels: QLinearAdd, QLinearConcat…).
 * - `direct`: data movement; the output reuses the input's parameters (ORT runs it on 8-bit data).
 */
export type HandlerKind = "weighted" | "own-params" | "direct";

/** What a handler's `check` may look at. */
export interface CheckContext {
  readonly view: GraphView;
  /** Convs with fewer input channels per group than this stay float. */
  readonly minConvInputChannels: number;
}

/** One op type's quantization rule. */
export interface OpHandler {
  readonly kind: HandlerKind;
  /** Why this op is quantized this way (one line, for readers of the table). */
  readonly note: string;
  /** The reason `node` must stay float, or undefined when it can be quantized. */
  check(node: OnnxNode, ctx: CheckContext): string | undefined;
  /** Emits the node's quantized constants; true, or the reason it stays float after all. */
  emit(node: OnnxNode, ctx: EmitContext): true | string;
}

const noCheck = (): undefined => undefined;
const emitNothing = (): true => true;

/** Conv: a constant weight, and at least `minConvInputChannels` input channels per group. */
function checkConv(n: OnnxNode, ctx: CheckContext): string | undefined {
  const w = n.input[1];
  const wc = w ? ctx.view.constFloat(w) : undefined;
  if (!wc) return `weight "${w}" is not a constant`;
  const cin = wc.dims[1] ?? 0;
  if (cin < ctx.minConvInputChannels) {
    return `Conv with ${cin} input channel(s) per group (< minConvInputChannels ${ctx.minConvInputChannels}): ORT's int8 QLinearConv is slower than its fp32 Conv there`;
  }
  return undefined;
}

/** Gemm: a constant rank-2 weight. */
function checkGemm(n: OnnxNode, ctx: CheckContext): string | undefined {
  const w = n.input[1];
  const wc = w ? ctx.view.constFloat(w) : undefined;
  if (!wc) return `weight "${w}" is not a constant`;
  if (wc.dims.length !== 2) return `Gemm weight rank ${wc.dims.length}, expected 2`;
  return undefined;
}

const weighted = (note: string, check: OpHandler["check"]): OpHandler => ({ kind: "weighted", note, check, emit: emitWeighted });
const ownParams = (note: string): OpHandler => ({ kind: "own-params", note, check: noCheck, emit: emitConstInputs });
const direct = (note: string): OpHandler => ({ kind: "direct", note, check: noCheck, emit: emitNothing });

/** The table: op type (default ONNX domain) → handler. */
export const OP_HANDLERS: Readonly<Record<string, OpHandler>> = {
  Conv: weighted("int8 per-output-channel weights (axis 0), int32 bias → QLinearConv", checkConv),
  Gemm: weighted("int8 per-channel weights (axis 0 with transB, else 1), int32 bias → QGemm", checkGemm),
  MatMul: weighted("int8 per-column weights when constant (axis 1), else QDQ on both inputs → QLinearMatMul", noCheck),
  Add: ownParams("QLinearAdd; constant inputs stored as activation-type integers"),
  Mul: ownParams("QLinearMul"),
  Concat: ownParams("QLinearConcat"),
  GlobalAveragePool: ownParams("QLinearGlobalAveragePool"),
  AveragePool: ownParams("QLinearAveragePool"),
  Relu: ownParams("absorbed into its quantized producer's output range, as ORT does"),
  Clip: ownParams("absorbed into its producer's range when it follows a quantized op"),
  LeakyRelu: ownParams("QLinearLeakyRelu"),
  Sigmoid: ownParams("QLinearSigmoid"),
  MaxPool: direct("8-bit MaxPool on the producer's parameters"),
  Reshape: direct("data movement on 8-bit data"),
  Flatten: direct("data movement on 8-bit data"),
  Transpose: direct("data movement on 8-bit data"),
  Squeeze: direct("data movement on 8-bit data"),
  Unsqueeze: direct("data movement on 8-bit data"),
};

/** Why ops outside {@link OP_HANDLERS} stay float (others get a generic reason). */
export const FLOAT_REASON: Readonly<Record<string, string>> = {
  Softmax: "Softmax output kept float: probabilities would be rounded to 1/256 steps",
  BatchNormalization: "no quantized BatchNormalization in ORT's CPU EP and no constant Conv before it to fold into; runs in float",
  Shape: "shape computation (int64 output)",
  LRN: "no quantized LRN in ORT's CPU EP",
  Sum: "Sum of more than two inputs has no quantized kernel in ORT (two-input Sum is rewritten as Add)",
};

/** The handler of `node`, or undefined (custom domain or an op type outside the table). */
export function handlerOf(node: OnnxNode): OpHandler | undefined {
  if (node.domain !== "") return undefined;
  return Object.hasOwn(OP_HANDLERS, node.opType) ? OP_HANDLERS[node.opType] : undefined;
}

/** Why a node without a handler stays float. */
export function unsupportedReason(node: OnnxNode): string {
  const op = node.opType;
  return FLOAT_REASON[op] ?? `${op} is not in the quantized op set (no ORT CPU QDQ fusion for it)`;
}
