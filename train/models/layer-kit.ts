/**
 * Seeded layer builders shared by the zoo: every initializer and dropout gets its own
 * seed derived from the model seed, so the same `--seed` builds the same network.
 */
import * as tf from "@tensorflow/tfjs";

/** Activation names the zoo uses (tfjs names). */
export type ActivationName = "relu" | "relu6" | "tanh" | "sigmoid" | "softmax" | "linear" | "elu" | "selu";

/** Hands out one deterministic seed per layer. */
export class LayerKit {
  private next: number;

  constructor(seed: number) {
    this.next = seed * 1000 + 1;
  }

  private seed(): number {
    return this.next++;
  }

  /** 2-D convolution; `padding` default `same`, stride 1, no activation unless given. */
  conv(
    filters: number,
    kernel: number,
    opts: { activation?: ActivationName; padding?: "same" | "valid"; strides?: number; useBias?: boolean; name?: string; inputShape?: number[] } = {},
  ): tf.layers.Layer {
    return tf.layers.conv2d({
      filters,
      kernelSize: kernel,
      padding: opts.padding ?? "same",
      strides: opts.strides ?? 1,
      activation: opts.activation ?? "linear",
      useBias: opts.useBias ?? true,
      kernelInitializer: tf.initializers.glorotUniform({ seed: this.seed() }),
      name: opts.name,
      inputShape: opts.inputShape,
    });
  }

  /** Depthwise 3-D convolution (one filter per channel). */
  depthwise(kernel: number, opts: { strides?: number; name?: string } = {}): tf.layers.Layer {
    return tf.layers.depthwiseConv2d({
      kernelSize: kernel,
      strides: opts.strides ?? 1,
      padding: "same",
      useBias: false,
      depthwiseInitializer: tf.initializers.glorotUniform({ seed: this.seed() }),
      name: opts.name,
    });
  }

  /** Fully connected layer. */
  dense(units: number, activation: ActivationName = "linear", name?: string): tf.layers.Layer {
    return tf.layers.dense({ units, activation, kernelInitializer: tf.initializers.glorotUniform({ seed: this.seed() }), name });
  }

  /** Dropout with its own seed; removed at inference (and by the exporter). */
  dropout(rate: number): tf.layers.Layer {
    return tf.layers.dropout({ rate, seed: this.seed() });
  }

  /** Max or average pooling, square window, stride = window. */
  pool(size: number, type: "max" | "avg" = "max"): tf.layers.Layer {
    return type === "max"
      ? tf.layers.maxPooling2d({ poolSize: size, strides: size, padding: "valid" })
      : tf.layers.averagePooling2d({ poolSize: size, strides: size, padding: "valid" });
  }

  /** Batch normalisation; `momentum` as in Keras/tfjs (moving = moving × momentum + batch × (1 − momentum)). */
  batchNorm(momentum = 0.99, name?: string): tf.layers.Layer {
    return tf.layers.batchNormalization({ momentum, epsilon: 1e-3, name });
  }

  /** A standalone activation layer. */
  activation(name: ActivationName): tf.layers.Layer {
    return tf.layers.activation({ activation: name });
  }
}
