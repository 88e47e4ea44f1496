/**
 * BatchNormalization in inference form: folded into the preceding convolution when that
 * conv has a linear activation and feeds only this layer (recorded in the converter's
 * facts), else an ONNX BatchNormalization with the tfjs epsilon.
 */
import type { ConvertContext, FoldTarget, LayerConverter, OnnxValue } from "../converter-types.ts";
import { UnsupportedLayerError } from "../converter-types.ts";
import { configNumber, layerWeight, requiredWeight, singleInput } from "../layer-config.ts";
import { permuteDenseRowsHwcToChw } from "../weight-layout.ts";

interface BatchNormParams {
  gamma: Float32Array;
  beta: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
  epsilon: number;
}

/** `BatchNormalization` (axis −1 only). */
export const convertBatchNormalization: LayerConverter = (ctx) => {
  const input = singleInput(ctx.inputs);
  const axis = configNumber(ctx.config, "axis", -1);
  if (axis !== -1 && axis !== input.shape.length - 1) {
    throw new UnsupportedLayerError(`axis ${axis} is not supported (only the channel axis, -1)`);
  }
  const params = readParams(ctx);
  if (input.foldTarget) return fold(ctx, input, input.foldTarget, params);
  let { gamma, beta, mean, variance } = params;
  const layout = input.layout;
  if (layout.kind === "flattened-chw") {
    const permute = (v: Float32Array) => permuteDenseRowsHwcToChw(v, 1, layout.height, layout.width, layout.channels);
    [gamma, beta, mean, variance] = [permute(gamma), permute(beta), permute(mean), permute(variance)];
  }
  const { builder, layer } = ctx;
  const n = gamma.length;
  const output = builder.addNode(
    "BatchNormalization",
    [
      input.name,
      builder.addFloatInitializer(`${layer.name}/scale`, [n], gamma),
      builder.addFloatInitializer(`${layer.name}/bias`, [n], beta),
      builder.addFloatInitializer(`${layer.name}/mean`, [n], mean),
      builder.addFloatInitializer(`${layer.name}/var`, [n], variance),
    ],
    layer.name,
    { epsilon: { float: params.epsilon } },
  );
  return { name: output, shape: ctx.outputShape, layout: input.layout };
};

function readParams(ctx: ConvertContext): BatchNormParams {
  const mean = requiredWeight(ctx.layer, "moving_mean").data;
  const variance = requiredWeight(ctx.layer, "moving_variance").data;
  const gamma = layerWeight(ctx.layer, "gamma")?.data ?? new Float32Array(mean.length).fill(1);
  const beta = layerWeight(ctx.layer, "beta")?.data ?? new Float32Array(mean.length);
  return { gamma, beta, mean, variance, epsilon: configNumber(ctx.config, "epsilon", 1e-3) };
}

/** W' = W·s per output channel, b' = (b − mean)·s + beta, with s = gamma / √(var + ε). */
function fold(ctx: ConvertContext, input: OnnxValue, target: FoldTarget, p: BatchNormParams): OnnxValue {
  const { builder } = ctx;
  const perChannel = target.weight.length / target.outChannels;
  const weight = new Float32Array(target.weight.length);
  const bias = new Float32Array(target.outChannels);
  for (let o = 0; o < target.outChannels; o++) {
    const s = p.gamma[o]! / Math.sqrt(p.variance[o]! + p.epsilon);
    for (let k = 0; k < perChannel; k++) weight[o * perChannel + k] = target.weight[o * perChannel + k]! * s;
    bias[o] = ((target.bias?.[o] ?? 0) - p.mean[o]!) * s + p.beta[o]!;
  }
  builder.replaceFloatInitializer(target.weightName, weight);
  if (target.biasName) builder.replaceFloatInitializer(target.biasName, bias);
  else target.node.input = [...target.node.input, builder.addFloatInitializer(`${target.layerName}/bias`, [target.outChannels], bias)];
  ctx.folded.push({ batchNorm: ctx.layer.name, into: target.layerName });
  return { name: input.name, shape: ctx.outputShape, layout: input.layout };
}
