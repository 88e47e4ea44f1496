/**
 * The kernels a training run of the zoo models needs on a backend: one `trainOnBatch` and
 * one `predict` of every zoo model (mobilenetv2 at 32x32x3), with adam + categorical and
 * Nesterov momentum + sparse cross-entropy, recorded with `tf.profile` (the engine runs the
 * same kernel names on any backend), plus the evaluation loop's (GatherNd, Pack, Range) and
 * the augmentation's (Transform). A backend that lacks one fails to train some model.
 */
import * as tf from "@tensorflow/tfjs";

/** Kernel names a training run of the zoo models runs, sorted. */
export const TRAINING_KERNELS: readonly string[] = [
  "Add",
  "ArgMax",
  "BatchMatMul",
  "Cast",
  "ClipByValue",
  "Conv2D",
  "Conv2DBackpropFilter",
  "Conv2DBackpropInput",
  "DepthwiseConv2dNative",
  "DepthwiseConv2dNativeBackpropFilter",
  "DepthwiseConv2dNativeBackpropInput",
  "Equal",
  "Floor",
  "FusedBatchNorm",
  "FusedConv2D",
  "GatherNd",
  "GreaterEqual",
  "Identity",
  "LessEqual",
  "Log",
  "LogicalAnd",
  "MaxPool",
  "MaxPoolGrad",
  "Mean",
  "Multiply",
  "Neg",
  "OneHot",
  "Pack",
  "PadV2",
  "Range",
  "RealDiv",
  "Relu",
  "Reshape",
  "Rsqrt",
  "Select",
  "Slice",
  "Softmax",
  "Sqrt",
  "Square",
  "Step",
  "Sub",
  "Sum",
  "Tanh",
  "Tile",
  "Transform",
  "ZerosLike",
  "_FusedMatMul",
];

/** The {@link TRAINING_KERNELS} that backend `backendName` has no kernel for (its package imported first). */
export function missingTrainingKernels(backendName: string, kernels: readonly string[] = TRAINING_KERNELS): string[] {
  return kernels.filter((k) => tf.getKernel(k, backendName) === undefined);
}
