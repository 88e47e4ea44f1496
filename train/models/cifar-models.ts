/**
 * The CIFAR-10 labs' models: the AlexNet-like CNN (lab 6, F.2) and the CIFAR-10 lab's
 * sequence (`004_8744a69186e23c83.txt`): CNN, + dropout, + batch norm, and the final model.
 * The CIFAR-10 lab's convs use Keras's default `valid` padding, so 32→28→14→10→5.
 */
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

/** One variant of the CIFAR-10 lab's two-conv CNN. */
export interface CifarLabVariant {
  /** Filters of the two 5x5 valid convs. */
  filters: [number, number];
  /** Units of the hidden dense layer. */
  dense: number;
  /** Dropout after each pool and after the dense layer; none when undefined. */
  dropout?: [number, number, number];
  /** Batch-norm momentum; when set, every conv and the dense layer are Conv/Dense → BN → relu. */
  bnMomentum?: number;
}

/**
 * The CIFAR-10 lab's CNN: Conv 5x5 valid, pool 2, Conv 5x5 valid, pool 2, Dense, softmax,
 * with the lab's dropout and batch-norm variants (BN between the linear layer and relu,
 * as the lab asks: `[conv - batchnorm - activation - pooling]`).
 */
export function cifarLabCnn(name: string, ctx: ModelBuildContext, v: CifarLabVariant): tf.Sequential {
  const k = new LayerKit(ctx.seed);
  const m = tf.sequential({ name });
  v.filters.forEach((filters, i) => {
    const inputShape = i === 0 ? [...ctx.inputShape] : undefined;
    if (v.bnMomentum === undefined) {
      m.add(k.conv(filters, 5, { activation: "relu", padding: "valid", inputShape }));
    } else {
      m.add(k.conv(filters, 5, { padding: "valid", inputShape }));
      m.add(k.batchNorm(v.bnMomentum));
      m.add(k.activation("relu"));
    }
    m.add(k.pool(2));
    if (v.dropout) m.add(k.dropout(v.dropout[i]!));
  });
  m.add(tf.layers.flatten());
  if (v.bnMomentum === undefined) {
    m.add(k.dense(v.dense, "relu"));
  } else {
    m.add(k.dense(v.dense));
    m.add(k.batchNorm(v.bnMomentum));
    m.add(k.activation("relu"));
  }
  if (v.dropout) m.add(k.dropout(v.dropout[2]));
  m.add(k.dense(ctx.numClasses, "softmax"));
  return m;
}

/** `cifar-cnn`: Conv 96@5x5, pool, Conv 80@5x5, pool, Dense 256 (714,202 params on 32x32x3). */
export const CIFAR_CNN: CifarLabVariant = { filters: [96, 80], dense: 256 };
/** `cifar-cnn-dropout`: the same with Dropout 0.25, 0.25, 0.5 (714,202 params). */
export const CIFAR_CNN_DROPOUT: CifarLabVariant = { ...CIFAR_CNN, dropout: [0.25, 0.25, 0.5] };
/** `cifar-cnn-bn`: dropout model with BN (momentum 0.75) after both convs and Dense 256 (715,930 params, 864 non-trainable). */
export const CIFAR_CNN_BN: CifarLabVariant = { ...CIFAR_CNN_DROPOUT, bnMomentum: 0.75 };
/** `cifar-cnn-final`: Conv 64, 128 (5x5 valid), Dense 512, BN 0.8 everywhere, Dropout 0.25, 0.3, 0.5 (1,856,650 params, 1,408 non-trainable). */
export const CIFAR_CNN_FINAL: CifarLabVariant = { filters: [64, 128], dense: 512, dropout: [0.25, 0.3, 0.5], bnMomentum: 0.8 };
