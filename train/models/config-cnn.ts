/**
 * A user-defined CNN from a JSON config, like the labs' `create_cnn_with_config`:
 *
 * ```json
 * { "name": "my-cnn",
 *   "convBlocks": [ { "filters": 32, "kernel": 3, "padding": "same", "pool": 2, "poolType": "max", "batchNorm": false, "dropout": 0 } ],
 *   "dense": [128], "dropout": 0.3, "activation": "relu" }
 * ```
 *
 * `padding` defaults to `same` (the labs' `create_cnn_with_config` default; Keras's own
 * Conv2D default is `valid`). `batchNorm` at the root puts batch norm after every conv, as
 * the notebook's `config['batch_norm']`; `batchNormPosition` says where: `after-activation`
 * (the notebook's `Conv2D(activation=…)` then `BatchNormalization()`) or
 * `before-activation` (conv → BN → activation, as the CIFAR-10 lab asks).
 */
import { readFile } from "node:fs/promises";
import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import { LayerKit, type ActivationName } from "./layer-kit.ts";
import type { ModelBuildContext } from "./zoo-types.ts";

const activation = z.enum(["relu", "relu6", "tanh", "sigmoid", "elu", "selu", "linear"]);
const padding = z.enum(["same", "valid"]);
const momentum = z.number().min(0).max(1);

/** Schema of a CNN config file. */
export const CnnConfigSchema = z.strictObject({
  /** Model name (used in the model directory name). */
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i, "use letters, digits, '.', '_' or '-'"),
  convBlocks: z
    .array(
      z.strictObject({
        filters: z.number().int().positive(),
        kernel: z.number().int().positive(),
        /** Conv padding; default: the root `padding`. */
        padding: padding.optional(),
        /** Pooling window (and stride); 0 or absent for none. */
        pool: z.number().int().min(0).default(2),
        poolType: z.enum(["max", "avg"]).default("max"),
        /** Batch norm after this conv; default: the root `batchNorm`. */
        batchNorm: z.boolean().optional(),
        dropout: z.number().min(0).max(0.95).default(0),
        activation: activation.optional(),
      }),
    )
    .min(1),
  dense: z.array(z.number().int().positive()).default([128]),
  dropout: z.number().min(0).max(0.95).default(0),
  activation: activation.default("relu"),
  /** Conv padding of blocks that do not set their own. Default `same`. */
  padding: padding.default("same"),
  /** Batch norm after every conv block that does not say otherwise. Default false. */
  batchNorm: z.boolean().default(false),
  /** Batch norm after each hidden dense layer too. Default false. */
  denseBatchNorm: z.boolean().default(false),
  /** Where batch norm goes: between the linear layer and its activation, or after the activation. Default `before-activation`. */
  batchNormPosition: z.enum(["before-activation", "after-activation"]).default("before-activation"),
  /** Batch-norm momentum (Keras's: moving = moving × m + batch × (1 − m)). Default 0.99 (Keras's default). */
  batchNormMomentum: momentum.default(0.99),
  /** The optimizer to train with when `--optimizer` is not given (the notebook's `config['optimizer']`); absent = the training default. */
  optimizer: z.enum(["adam", "sgd"]).optional(),
});

/** A validated CNN config. */
export type CnnConfig = z.infer<typeof CnnConfigSchema>;

/** Parses a config object; the error names the bad key. */
export function parseCnnConfig(raw: unknown, label = "config"): CnnConfig {
  const parsed = CnnConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`Invalid CNN config "${label}": ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return parsed.data;
}

/** Reads and validates a CNN config JSON file. */
export async function readCnnConfig(path: string): Promise<CnnConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new Error(`Cannot read CNN config "${path}": ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`CNN config "${path}" is not valid JSON: ${(e as Error).message}`);
  }
  return parseCnnConfig(raw, path);
}

/** Builds the CNN a config describes. */
export function buildConfigCnn(config: CnnConfig, ctx: ModelBuildContext): tf.Sequential {
  const k = new LayerKit(ctx.seed);
  const m = tf.sequential({ name: config.name });
  /** Adds `linear` (a conv or dense layer built with or without its activation) with optional batch norm. */
  const withNorm = (norm: boolean, act: ActivationName, linear: (activation: ActivationName) => tf.layers.Layer) => {
    if (!norm) {
      m.add(linear(act));
    } else if (config.batchNormPosition === "after-activation") {
      m.add(linear(act));
      m.add(k.batchNorm(config.batchNormMomentum));
    } else {
      m.add(linear("linear"));
      m.add(k.batchNorm(config.batchNormMomentum));
      m.add(k.activation(act));
    }
  };
  config.convBlocks.forEach((b, i) => {
    const inputShape = i === 0 ? [...ctx.inputShape] : undefined;
    const pad = b.padding ?? config.padding;
    withNorm(b.batchNorm ?? config.batchNorm, b.activation ?? config.activation, (activation) =>
      k.conv(b.filters, b.kernel, { activation, padding: pad, inputShape }),
    );
    if (b.pool > 0) m.add(k.pool(b.pool, b.poolType));
    if (b.dropout > 0) m.add(k.dropout(b.dropout));
  });
  m.add(tf.layers.flatten());
  for (const units of config.dense) {
    withNorm(config.denseBatchNorm, config.activation, (activation) => k.dense(units, activation));
    if (config.dropout > 0) m.add(k.dropout(config.dropout));
  }
  m.add(k.dense(ctx.numClasses, "softmax"));
  return m;
}
