/**
 * The seam between train/ and export/: what a trained model directory holds.
 *
 *   artifacts/models/<model>-<dataset>/
 *     model.json    tfjs LayersModel topology + weights manifest (standard tfjs format)
 *     weights.bin   the weights, little-endian float32, in manifest order
 *     train.json    {@link TrainRecord}: how it was trained and how well it did
 *
 * export/ reads these three files and nothing else.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import { TrainRecordOptionsSchema } from "./options/train-options.ts";
import { ensureOutputDir } from "./output-dir.ts";

/** Schema version of `train.json`; bump on any incompatible change. */
export const TRAIN_RECORD_VERSION = 1;

/** File names inside a model directory. */
export const MODEL_FILES = {
  topology: "model.json",
  weights: "weights.bin",
  record: "train.json",
} as const;

/** One epoch of the training history. */
export const EpochSchema = z.object({
  epoch: z.number().int().min(1),
  loss: z.number(),
  accuracy: z.number(),
  valLoss: z.number().optional(),
  valAccuracy: z.number().optional(),
  /** Wall time of the epoch, seconds. */
  seconds: z.number(),
  /** Training samples per second during the epoch. */
  samplesPerSecond: z.number(),
});

/** Zod schema of `train.json`. */
export const TrainRecordSchema = z.object({
  schemaVersion: z.literal(TRAIN_RECORD_VERSION),
  model: z.string(),
  /** The architecture as layers: name, class, output shape, params (the Keras-style summary). */
  architecture: z.array(z.object({ name: z.string(), className: z.string(), outputShape: z.string(), params: z.number().int() })),
  params: z.object({ total: z.number().int(), trainable: z.number().int(), nonTrainable: z.number().int() }),
  dataset: z.object({
    name: z.string(),
    source: z.string(),
    /** The model's input image shape, NHWC without the batch axis: [height, width, channels]. */
    inputShape: z.tuple([z.number().int(), z.number().int(), z.number().int()]),
    /** The dataset's own image shape when it differs from `inputShape` (images are resized to it); absent = the same. */
    imageShape: z.tuple([z.number().int(), z.number().int(), z.number().int()]).optional(),
    classNames: z.array(z.string()),
    /** Pixel preprocessing the model expects: value = raw × scale + offset (raw is 0..255). */
    scale: z.number(),
    /** Added after scaling (−1 for [-1, 1]); absent = 0. */
    offset: z.number().optional(),
    layout: z.literal("NHWC"),
    trainCount: z.number().int(),
    valCount: z.number().int(),
    testCount: z.number().int(),
  }),
  /** The options it was trained with (the train options schema's recorded form; older records lack newer keys). */
  options: TrainRecordOptionsSchema,
  history: z.array(EpochSchema),
  epochsRun: z.number().int(),
  /** Epoch whose weights were kept (early stopping restores the best). */
  bestEpoch: z.number().int(),
  test: z.object({ loss: z.number(), accuracy: z.number() }),
  /** Total training wall time, seconds. */
  trainingSeconds: z.number(),
  /** Mean training throughput over all epochs, samples/s. */
  samplesPerSecond: z.number(),
  /** Lab 3's `params_per_second`: total parameters / training time (s). */
  paramsPerSecond: z.number().optional(),
  /** Lab 3's inference time: tfjs `predict` on the first (up to) 1,000 test images at batch 32, wall time / images, ms per sample. */
  inferenceMsPerSample: z.number().optional(),
  /** The notebook recipe or preset the run used (`--recipe lab`, `--preset`): its source and where the harness differs. */
  recipe: z.object({ name: z.string(), source: z.string(), notes: z.array(z.string()) }).optional(),
  /** The training backend, why it was chosen and (under `--backend auto`) each backend's timed step; older records lack `timings` and `adapter`. */
  backend: z.object({
    name: z.string(),
    reason: z.string(),
    rejected: z.array(z.object({ name: z.string(), reason: z.string() })),
    /** `auto`'s timed step per backend that loaded: samples/s (state `timed`), or why not (`not-timed`, `errored`). */
    timings: z
      .array(
        z
          .object({
            name: z.string(),
            state: z.enum(["timed", "not-timed", "errored"]),
            /** Training samples per second of the timed step. */
            samplesPerSecond: z.number().optional(),
            /** Images per timed step. */
            batchSize: z.number().int().optional(),
            steps: z.number().int().optional(),
            /** Wall time of the timed steps, ms. */
            ms: z.number().optional(),
            software: z.boolean().optional(),
            reason: z.string().optional(),
            error: z.string().optional(),
          })
          .loose(),
      )
      .optional(),
    /** The step `auto` timed, e.g. `lenet 28x28x1, batch 128, adam`. */
    timingStep: z.string().optional(),
    /** The GPU adapter of a GPU backend (WebGPU's adapter info; `software` for SwiftShader and the like). */
    adapter: z
      .object({
        vendor: z.string(),
        architecture: z.string(),
        device: z.string(),
        description: z.string(),
        software: z.boolean(),
        served: z.string(),
        fallbackFrom: z.array(z.object({ label: z.string(), reason: z.string() })).optional(),
      })
      .optional(),
  }),
  seed: z.number().int(),
  transfer: z.record(z.string(), z.unknown()).optional(),
  versions: z.record(z.string(), z.string()),
  createdAt: z.string(),
});

/** Parsed `train.json`. */
export type TrainRecord = z.infer<typeof TrainRecordSchema>;

/** Saves a tfjs model as `model.json` + `weights.bin` in `dir` (created if missing). */
export async function saveTfjsModel(model: tf.LayersModel, dir: string): Promise<void> {
  await ensureOutputDir(dir, "--out");
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData =
        artifacts.weightData === undefined
          ? new ArrayBuffer(0)
          : tf.io.concatenateArrayBuffers(Array.isArray(artifacts.weightData) ? artifacts.weightData : [artifacts.weightData]);
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format ?? "layers-model",
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [`./${MODEL_FILES.weights}`], weights: artifacts.weightSpecs ?? [] }],
      };
      await writeFile(join(dir, MODEL_FILES.topology), JSON.stringify(modelJson));
      await writeFile(join(dir, MODEL_FILES.weights), Buffer.from(weightData));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
}

/** Loads a tfjs LayersModel saved by {@link saveTfjsModel} (or by tfjs-node's `file://`). */
export async function loadTfjsModel(dir: string): Promise<tf.LayersModel> {
  const topologyPath = join(dir, MODEL_FILES.topology);
  let json: { modelTopology: object; weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };
  try {
    json = JSON.parse(await readFile(topologyPath, "utf8"));
  } catch (e) {
    throw new Error(
      `Cannot read the tfjs model "${topologyPath}": ${(e as Error).message}. ` + `Train it first: npm run train -- --model <name> --dataset <name>`,
    );
  }
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const buffers = await Promise.all(json.weightsManifest.flatMap((g) => g.paths).map((p) => readFile(join(dir, p))));
  const weightData = Buffer.concat(buffers);
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: specs,
      weightData: weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength),
    }),
  );
}

/** Reads and validates `train.json` in `dir`; the error names the bad key. */
export async function readTrainRecord(dir: string): Promise<TrainRecord> {
  const path = join(dir, MODEL_FILES.record);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, "utf8"));
  } catch (e) {
    throw new Error(`Cannot read "${path}": ${(e as Error).message}. Train the model first: npm run train`);
  }
  const parsed = TrainRecordSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid "${path}": ${issue?.path.join(".") || "(root)"}: ${issue?.message}`);
  }
  return parsed.data;
}

/** Writes `train.json` into `dir`. */
export async function writeTrainRecord(dir: string, record: TrainRecord): Promise<void> {
  await ensureOutputDir(dir, "--out");
  await writeFile(join(dir, MODEL_FILES.record), JSON.stringify(record, null, 2) + "\n");
}

/** Default directory of a trained model: `<out>/models/<model>-<dataset>`. */
export function modelDir(out: string, model: string, dataset: string): string {
  return join(out, "models", `${model}-${dataset}`);
}
