/**
 * The MNIST/Fashion-MNIST labs' models: LeNet, the basic CNN, the architecture sweep,
 * the filter-size sweep and the fully connected baseline.
 */
import * as tf from "@tensorflow/tfjs";
import { LayerKit } from "./layer-kit.ts";
import type { ModelBuildContext } from "./zoo-types.ts";

/** LeNet: Conv 32@5x5 relu, MaxPool 2, Conv 64@5x5 relu, MaxPool 2, Dense 120, 84, softmax. */
export function lenet(ctx: ModelBuildContext): tf.Sequential {
  const k = new LayerKit(ctx.seed);
  return tf.sequential({
    name: "lenet",
    layers: [
      k.conv(32, 5, { activation: "relu", padding: "valid", inputShape: [...ctx.inputShape] }),
      k.pool(2),
      k.conv(64, 5, { activation: "relu", padding: "valid" }),
      k.pool(2),
      tf.layers.flatten(),
      k.dense(120, "relu"),
      k.dense(84, "relu"),
      k.dense(ctx.numClasses, "softmax"),
    ],
  });
}

/**
 * The assignment's MNIST CNN (`002_ef41ef41bad94182.txt`, question 9): Conv 32@3x3 valid relu,
 * MaxPool 2, Conv 64@3x3 valid relu, MaxPool 2, Dense 64 relu, softmax (121,930 params on 28x28x1).
 */
export function assignmentCnn(ctx: ModelBuildContext): tf.Sequential {
  const k = new LayerKit(ctx.seed);
  return tf.sequential({
    name: "assignment-cnn",
    layers: [
      k.conv(32, 3, { activation: "relu", padding: "valid", inputShape: [...ctx.inputShape] }),
      k.pool(2),
      k.conv(64, 3, { activation: "relu", padding: "valid" }),
      k.pool(2),
      tf.layers.flatten(),
      k.dense(64, "relu"),
      k.dense(ctx.numClasses, "softmax"),
    ],
  });
}

/**
 * A stack of 3x3 (or `kernels[i]`) same-padded conv blocks, each followed by 2x2 max pooling,
 * then Dense `dense` relu, Dropout, and the softmax output.
 */
export function convStack(
  name: string,
  ctx: ModelBuildContext,
  filters: number[],
  dense: number,
  opts: { kernels?: number[]; dropout?: number } = {},
): tf.Sequential {
  const k = new LayerKit(ctx.seed);
  const model = tf.sequential({ name });
  filters.forEach((f, i) => {
    model.add(k.conv(f, opts.kernels?.[i] ?? 3, { activation: "relu", inputShape: i === 0 ? [...ctx.inputShape] : undefined }));
    model.add(k.pool(2));
  });
  model.add(tf.layers.flatten());
  model.add(k.dense(dense, "relu"));
  model.add(k.dropout(opts.dropout ?? 0.3));
  model.add(k.dense(ctx.numClasses, "softmax"));
  return model;
}

/** The fully connected baseline: Flatten, Dense 512 tanh, Dense 256 tanh, softmax. */
export function fcnn(ctx: ModelBuildContext): tf.Sequential {
  const k = new LayerKit(ctx.seed);
  return tf.sequential({
    name: "fcnn",
    layers: [tf.layers.flatten({ inputShape: [...ctx.inputShape] }), k.dense(512, "tanh"), k.dense(256, "tanh"), k.dense(ctx.numClasses, "softmax")],
  });
}
