/** The CIFAR-10 labs' models: the AlexNet-like CNN and the lab's CNN sequence. */
import * as tf from "@tensorflow/tfjs";
import { LayerKit } from "./layer-kit.ts";
import type { ModelBuildContext } from "./zoo-types.ts";

/** AlexNet for 32x32: Conv 64, pool, 192, pool, 384, 256, 256 (3x3 same), pool, Dense 1024, 512. */
export function alexnetCifar(ctx: ModelBuildContext): tf.Sequential {
  const k = new LayerKit(ctx.seed);
  const m = tf.sequential({ name: "alexnet-cifar" });
  m.add(k.conv(64, 3, { activation: "relu", inputShape: [...ctx.inputShape] }));
  m.add(k.pool(2));
  m.add(k.conv(192, 3, { activation: "relu" }));
  m.add(k.pool(2));
  m.add(k.conv(384, 3, { activation: "relu" }));
  m.add(k.conv(256, 3, { activation: "relu" }));
  m.add(k.conv(256, 3, { activation: "relu" }));
  m.add(k.pool(2));
  m.add(tf.layers.flatten());
  m.add(k.dense(1024, "relu"));
  m.add(k.dropout(0.5));
  m.add(k.dense(512, "relu"));
  m.add(k.dropout(0.5));
  m.add(k.dense(ctx.numClasses, "softmax"));
  return m;
}

/** Options of the CIFAR lab sequence. */
interface CifarCnnVariant {
  /** Dropout after each pool and after the dense layer; none when undefined. */
  dropout?: [number, number, number];
  /** Batch-norm momentum after each conv (before relu); none when undefined. */
  bnMomentum?: number;
}

/** The CIFAR lab's CNN: Conv 96@5x5, pool, Conv 80@5x5, pool, Dense 256 (+ dropout / batch norm variants). */
export function cifarCnn(name: string, ctx: ModelBuildContext, variant: CifarCnnVariant = {}): tf.Sequential {
  const k = new LayerKit(ctx.seed);
  const m = tf.sequential({ name });
  [96, 80].forEach((filters, i) => {
    const inputShape = i === 0 ? [...ctx.inputShape] : undefined;
    if (variant.bnMomentum === undefined) {
      m.add(k.conv(filters, 5, { activation: "relu", inputShape }));
    } else {
      m.add(k.conv(filters, 5, { inputShape }));
      m.add(k.batchNorm(variant.bnMomentum));
      m.add(k.activation("relu"));
    }
    m.add(k.pool(2));
    if (variant.dropout) m.add(k.dropout(variant.dropout[i]!));
  });
  m.add(tf.layers.flatten());
  m.add(k.dense(256, "relu"));
  if (variant.dropout) m.add(k.dropout(variant.dropout[2]));
  m.add(k.dense(ctx.numClasses, "softmax"));
  return m;
}

/**
 * The CIFAR lab's final model: two blocks of (Conv-BN-relu) × 2 with 64 then 128 filters,
 * each ending in max pooling and dropout; Dense 512 with batch norm and dropout 0.5.
 */
export function cifarCnnFinal(ctx: ModelBuildContext): tf.Sequential {
  const k = new LayerKit(ctx.seed);
  const m = tf.sequential({ name: "cifar-cnn-final" });
  [64, 128].forEach((filters, block) => {
    for (let j = 0; j < 2; j++) {
      m.add(k.conv(filters, 3, { inputShape: block === 0 && j === 0 ? [...ctx.inputShape] : undefined }));
      m.add(k.batchNorm(0.8));
      m.add(k.activation("relu"));
    }
    m.add(k.pool(2));
    m.add(k.dropout(block === 0 ? 0.2 : 0.3));
  });
  m.add(tf.layers.flatten());
  m.add(k.dense(512));
  m.add(k.batchNorm(0.8));
  m.add(k.activation("relu"));
  m.add(k.dropout(0.5));
  m.add(k.dense(ctx.numClasses, "softmax"));
  return m;
}
