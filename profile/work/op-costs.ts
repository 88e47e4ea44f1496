/**
 * The counting conventions of profile/work/, in one place: which ops multiply-accumulate,
 * how many other arithmetic operations each op costs per output element, which ops only
 * move or relabel data, and the op families the report compares work and time by.
 *
 * Conventions: 1 MAC = 2 FLOPs (a multiply and an add). Other arithmetic counts one
 * operation per elementary step: an add, a compare (max pooling), a transcendental
 * (exp, tanh, sigmoid count 1 each). The numbers are per output element unless noted.
 */

import { OP_FAMILIES, type OpFamily } from "../../formats/run/model-work-schema.ts";

export { OP_FAMILIES, type OpFamily };

const FAMILY: Record<string, OpFamily> = {};
const put = (family: OpFamily, ops: string) => ops.split(" ").forEach((op) => (FAMILY[op] = family));
put("conv", "Conv ConvInteger QLinearConv ConvTranspose FusedConv NhwcConv NhwcFusedConv QLinearConvTranspose NchwcConv");
put("matmul", "MatMul Gemm MatMulInteger QLinearMatMul QGemm FusedGemm FusedMatMul DynamicQuantizeMatMul MatMulIntegerToFloat MatMulNBits");
put("pooling", "MaxPool AveragePool GlobalAveragePool GlobalMaxPool LpPool GlobalLpPool QLinearAveragePool QLinearGlobalAveragePool NhwcMaxPool");
put(
  "elementwise",
  "Relu Clip Sigmoid Tanh LeakyRelu Elu Selu HardSigmoid HardSwish Softplus Softsign Exp Log Sqrt Neg Abs Erf " +
    "Reciprocal Floor Ceil Round Sign Gelu Mish Celu ThresholdedRelu PRelu Sin Cos Add Sub Mul Div Pow Max Min Sum Mean " +
    "QLinearAdd QLinearMul QLinearSigmoid QLinearLeakyRelu BiasGelu FastGelu Where Equal Less Greater",
);
put("normalization", "BatchNormalization LRN LayerNormalization InstanceNormalization SkipLayerNormalization");
put("softmax", "Softmax LogSoftmax QLinearSoftmax Hardmax");
put("quantize", "QuantizeLinear DequantizeLinear DynamicQuantizeLinear");
put(
  "data movement",
  "Reshape Flatten Transpose Concat Squeeze Unsqueeze Pad Identity Dropout Cast Shape Gather Slice Split " +
    "Expand Constant ConstantOfShape ReorderInput ReorderOutput MemcpyToHost MemcpyFromHost Resize Upsample Size",
);

/** The family of an op type (ORT's fused and contrib names included); unknown ops are `other`. */
export function opFamily(opType: string): OpFamily {
  return FAMILY[opType] ?? "other";
}

/** Ops whose main work is multiply-accumulates (counted by shape in node-work.ts). */
export const MAC_OPS = new Set(["Conv", "ConvInteger", "QLinearConv", "ConvTranspose", "MatMul", "MatMulInteger", "QLinearMatMul", "Gemm"]);

/** Ops whose MACs are integer by definition (int8/uint8 operands, int32 accumulation). */
export const INTEGER_MAC_OPS = new Set(["ConvInteger", "QLinearConv", "MatMulInteger", "QLinearMatMul"]);

/**
 * Other arithmetic per output element of elementwise ops. Binary ops cost 1; `Sum`/`Mean`
 * cost (inputs − 1) adds (+1 divide for Mean), handled in node-work.ts.
 */
export const OPS_PER_ELEMENT: Readonly<Record<string, number>> = {
  Relu: 1,
  Clip: 1,
  LeakyRelu: 1,
  Sigmoid: 1,
  Tanh: 1,
  Elu: 1,
  Selu: 1,
  Celu: 1,
  HardSigmoid: 1,
  HardSwish: 1,
  Softplus: 1,
  Softsign: 1,
  Exp: 1,
  Log: 1,
  Sqrt: 1,
  Neg: 1,
  Abs: 1,
  Erf: 1,
  Reciprocal: 1,
  Floor: 1,
  Ceil: 1,
  Round: 1,
  Sign: 1,
  Gelu: 1,
  Mish: 1,
  ThresholdedRelu: 1,
  PRelu: 1,
  Sin: 1,
  Cos: 1,
  Add: 1,
  Sub: 1,
  Mul: 1,
  Div: 1,
  Pow: 1,
  Max: 1,
  Min: 1,
  Where: 1,
  Equal: 1,
  Less: 1,
  Greater: 1,
  /** Inference batch norm: one multiply and one add per element (scale and shift). */
  BatchNormalization: 2,
  InstanceNormalization: 4,
  LayerNormalization: 4,
  /** Softmax: max, subtract, exp, sum, divide per element. */
  Softmax: 5,
  LogSoftmax: 5,
  /** QuantizeLinear: divide, round, add zero point (clamp free); DequantizeLinear: subtract, multiply. */
  QuantizeLinear: 3,
  DequantizeLinear: 2,
  /** DynamicQuantizeLinear: min, max (over the tensor), then quantize (3). */
  DynamicQuantizeLinear: 5,
};

/** Ops that only relabel a buffer (no bytes move in ORT: a view or a no-op at inference). */
export const VIEW_OPS = new Set(["Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity", "Dropout", "Shape", "Size", "Constant", "ConstantOfShape"]);
