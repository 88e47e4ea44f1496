/**
 * A user-defined CNN from a JSON config, like the labs' `create_cnn_with_config`:
 *
 * ```json
 * { "name": "my-cnn",
 *   "convBlocks": [ { "filters": 32, "kernel": 3, "pool": 2, "poolType": "max", "batchNorm": false, "dropout": 0 } ],
 *   "dense": [128], "dropout": 0.3, "activation": "relu" }
 * ```
 */
import { readFile } from "node:fs/promises";
import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import { LayerKit } from "./layer-kit.ts";
import type { ModelBuildContext } from "./zoo-types.ts";

const activation = z.enum(["relu", "relu6", "tanh", "sigmoid", "elu", "selu", "linear"]);

/** Schema of a CNN config file. */
export const CnnConfigSchema = z.strictObject({
  /** Model name (used in the model directory name). */
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i, "use letters, digits, '.', '_' or '-'"),
  convBlocks: z
    .array(
      z.strictObject({
        filters: z.number().int().positive(),
        kernel: z.number().int().positive(),
        /** Pooling window (and stride); 0 or absent for none. */
        pool: z.number().int().min(0).default(2),
        poolType: z.enum(["max", "avg"]).default("max"),
        batchNorm: z.boolean().default(false),
        dropout: z.number().min(0).max(0.95).default(0),
        activation: activation.optional(),
      }),
    )
    .min(1),
  dense: z.array(z.number().int().positive()).default([128]),
  dropout: z.number().min(0).max(0.95).default(0),
  activation: activation.default("relu"),
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
  config.convBlocks.forEach((b, i) => {
    const act = b.activation ?? config.activation;
    const inputShape = i === 0 ? [...ctx.inputShape] : undefined;
    if (b.batchNorm) {
      m.add(k.conv(b.filters, b.kernel, { inputShape }));
      m.add(k.batchNorm());
      m.add(k.activation(act));
    } else {
      m.add(k.conv(b.filters, b.kernel, { activation: act, inputShape }));
    }
    if (b.pool > 0) m.add(k.pool(b.pool, b.poolType));
    if (b.dropout > 0) m.add(k.dropout(b.dropout));
  });
  m.add(tf.layers.flatten());
  for (const units of config.dense) {
    m.add(k.dense(units, config.activation));
    if (config.dropout > 0) m.add(k.dropout(config.dropout));
  }
  m.add(k.dense(ctx.numClasses, "softmax"));
  return m;
}
