/**
 * The training stage: backend, dataset, model, epochs, evaluation, and the model
 * directory (`model.json`, `weights.bin`, `train.json`).
 */
import { access, readFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { selectBackend, type BackendChoice, type GpuAdapter } from "./backends/index.ts";
import {
  checkConvertible,
  loadDataset,
  validationSplit,
  DATASET_IMAGE_SHAPES,
  PREPROCESSINGS,
  type Dataset,
  type DatasetName,
  type ImageShape,
  type ModelInput,
} from "../datasets/index.ts";
import { MODEL_FILES, modelDir, readTrainRecord, saveTfjsModel, TRAIN_RECORD_VERSION, writeTrainRecord, type TrainRecord } from "../formats/model-dir.ts";
import { buildConfigCnn, readCnnConfig } from "./models/config-cnn.ts";
import { mobilenetV2 } from "./models/mobilenetv2.ts";
import { formatSummary, summarize, type ModelSummary } from "./models/summary.ts";
import { zooEntry } from "./models/zoo.ts";
import type { ModelBuildContext } from "./models/zoo-types.ts";
import { recipeFor, RECIPE_NAMES, type Recipe } from "./recipes.ts";
import { evaluateSet, modelInputTensor, runEpochs, type BatchProgress, type LoopSettings } from "./train-loop.ts";
import { TRAIN_DEFAULTS, TrainOptionsSchema, type TrainOptions, type TrainOptionsInput } from "../formats/options/train-options.ts";
import { parseOptions } from "../formats/options/option-schema.ts";
import { freezeBase, loadPretrained, unfreezeTop } from "./transfer.ts";

/**
 * The one log line of the backend choice: name, GPU adapter, and why (under `auto`, every
 * backend's timed samples/s), e.g. `backend: wasm (auto: fastest timed training step: …)`.
 */
export function backendLine(choice: BackendChoice): string {
  const a = choice.adapter;
  const on = a
    ? ` on ${[a.vendor, a.architecture].filter(Boolean).join(" ")}${a.description ? ` (${a.description})` : ""}${a.software ? ", a software adapter" : ""}`
    : "";
  return `backend: ${choice.name}${on} (${choice.reason})`;
}

/** The adapter as train.json holds it (mutable copies). */
function recordedAdapter({ fallbackFrom, ...adapter }: GpuAdapter): NonNullable<TrainRecord["backend"]["adapter"]> {
  return { ...adapter, ...(fallbackFrom ? { fallbackFrom: fallbackFrom.map((f) => ({ ...f })) } : {}) };
}

/** A trained model: where it is and its record. */
export interface TrainedModel {
  /** The model directory. */
  dir: string;
  record: TrainRecord;
}

/** The recipe or preset the options pick (undefined for `--recipe default` without `--preset`). */
export function pickedRecipe(input: TrainOptionsInput): (Recipe & { name: string }) | undefined {
  const recipe = input.recipe ?? TRAIN_DEFAULTS.recipe;
  if (!(RECIPE_NAMES as readonly string[]).includes(recipe)) throw new Error(`Unknown recipe "${recipe}". Expected one of: ${RECIPE_NAMES.join(", ")}`);
  if (input.modelConfig) {
    if (recipe !== "default" || input.preset) throw new Error("--recipe lab and --preset apply to zoo models, not to --model-config");
    return undefined;
  }
  const r = recipeFor(input.model, recipe, input.preset);
  return r && { ...r, name: input.preset ?? `lab:${input.model}` };
}

/**
 * Fills defaults and checks every option once; errors name the bad value. Precedence:
 * what the caller set, then the recipe or preset, then the model's defaults, then {@link TRAIN_DEFAULTS}.
 */
export function resolveTrainOptions(input: TrainOptionsInput): TrainOptions {
  const dataset = input.dataset ?? (input.modelConfig ? "mnist" : zooEntry(input.model).defaultDataset);
  if (!input.modelConfig) zooEntry(input.model);
  const recipe = pickedRecipe(input);
  const modelDefaults: Partial<TrainOptions> = { preprocess: !input.modelConfig && input.model === "mobilenetv2" ? "symmetric" : "unit" };
  const o = parseOptions(TrainOptionsSchema, {
    ...TRAIN_DEFAULTS,
    ...modelDefaults,
    ...recipe?.options,
    ...stripUndefined(input),
    model: input.model,
    dataset,
  });
  if (o.lrDecay > 0 && o.optimizer !== "sgd") throw new Error(`Learning-rate decay ${o.lrDecay} needs --optimizer sgd (got "${o.optimizer}")`);
  return o;
}

/**
 * The model's input for images of `imageShape`: `--image-size` (or the images' own size) and
 * the preprocessing. A pretrained MobileNetV2 takes RGB: grey images are repeated to 3
 * channels, as lab 3's `tf.repeat(x, 3, axis=-1)`.
 */
export function modelInputFor(
  o: Pick<TrainOptions, "imageSize" | "preprocess"> & Partial<Pick<TrainOptions, "model" | "modelConfig" | "pretrained">>,
  imageShape: ImageShape,
): ModelInput {
  const [height, width] = o.imageSize ?? [imageShape[0], imageShape[1]];
  const rgb = o.model === "mobilenetv2" && !o.modelConfig && o.pretrained !== undefined && imageShape[2] === 1;
  const shape: ImageShape = [height, width, rgb ? 3 : imageShape[2]];
  checkConvertible(imageShape, shape);
  return { shape, ...PREPROCESSINGS[o.preprocess ?? "unit"] };
}

/** What `--summary` prints: the model built for the dataset's image shape, with no data loaded. */
export interface ModelOutline {
  name: string;
  /** Model input [height, width, channels]. */
  inputShape: ImageShape;
  summary: ModelSummary;
  /** The Keras-style text. */
  text: string;
}

/**
 * Builds the model the options describe and summarises it, Keras-style, without loading
 * data or training (`npm run train -- --model X --summary`). The input shape is the
 * dataset's (see {@link DATASET_IMAGE_SHAPES}) resized to `imageSize`, with 10 classes.
 */
export async function outlineModel(input: TrainOptionsInput): Promise<ModelOutline> {
  const o = resolveTrainOptions(input);
  if (tf.getBackend() === undefined || tf.getBackend() === "") await tf.setBackend("cpu");
  const modelInput = modelInputFor(o, DATASET_IMAGE_SHAPES[o.dataset]);
  const ctx: ModelBuildContext = { inputShape: modelInput.shape, numClasses: 10, seed: o.seed };
  const { name, model } = await buildFor(o, ctx);
  try {
    const summary = summarize(model);
    return { name, inputShape: modelInput.shape, summary, text: formatSummary(name, summary) };
  } finally {
    model.dispose();
  }
}

/** The folder a dataset was read from, relative to the working directory, for log lines. */
function shortSource(source: string): string {
  const first = source.split(", ")[0] ?? source;
  return source.includes(", ") ? relative(process.cwd(), dirname(first)) || "." : source;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

async function buildFor(o: TrainOptions, ctx: ModelBuildContext): Promise<{ name: string; model: tf.LayersModel }> {
  if (o.modelConfig) {
    const config = await readCnnConfig(o.modelConfig);
    return { name: config.name, model: buildConfigCnn(config, ctx) };
  }
  if (o.model === "mobilenetv2") return { name: o.model, model: mobilenetV2(ctx, { alpha: o.alpha, headDense: o.headDense, headDropout: o.headDropout }) };
  return { name: o.model, model: zooEntry(o.model).build(ctx) };
}

function compile(model: tf.LayersModel, o: TrainOptions, lrFactor = 1): number {
  const lr = (o.learningRate ?? (o.optimizer === "adam" ? 0.001 : 0.01)) * lrFactor;
  const optimizer = o.optimizer === "adam" ? tf.train.adam(lr) : tf.train.momentum(lr, o.momentum, true);
  model.compile({ optimizer, loss: o.labels === "onehot" ? "categoricalCrossentropy" : "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
  return lr;
}

async function packageVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

/** Loads the dataset named in the options (with `limit` / `testLimit`). */
export async function loadTrainingData(o: Pick<TrainOptions, "dataset" | "dataDir" | "limit" | "testLimit" | "seed" | "imageSize">): Promise<Dataset> {
  const [height, width] = o.imageSize ?? [undefined, undefined];
  return loadDataset(o.dataset as DatasetName, { dataDir: o.dataDir, limit: o.limit, testLimit: o.testLimit, seed: o.seed, height, width });
}

/** Callbacks of a training run (a parallel-training child reports through them). */
export interface TrainHooks {
  /** After every batch. */
  readonly onBatch?: (progress: BatchProgress) => void;
}

/** Trains a model and writes its directory. */
export async function trainModel(input: TrainOptionsInput, hooks: TrainHooks = {}): Promise<TrainedModel> {
  // A config's `optimizer` (the notebook's config key) is the default when no --optimizer is given.
  const configOptimizer = input.modelConfig && input.optimizer === undefined ? (await readCnnConfig(input.modelConfig)).optimizer : undefined;
  const o = resolveTrainOptions(configOptimizer ? { ...input, optimizer: configOptimizer } : input);
  const log = o.progress ? console.log : () => {};
  const backend = await selectBackend(o.backend, undefined, { allowSoftware: o.autoSoftwareAdapter });
  tf.enableProdMode();
  log(backendLine(backend));
  for (const r of backend.rejected) log(`  not used: ${r.name}: ${r.reason}`);

  const data = await loadTrainingData(o);
  const { info } = data;
  const { train, val } = validationSplit(data.train, o.validationSplit, o.seed);
  log(
    `dataset: ${info.name} (${shortSource(info.source)}): ${train.count} train, ${val.count} validation, ${data.test.count} test images of ${info.height}x${info.width}x${info.channels}`,
  );

  const imageShape: [number, number, number] = [info.height, info.width, info.channels];
  const modelInput = modelInputFor(o, imageShape);
  const inputShape: [number, number, number] = [modelInput.shape[0], modelInput.shape[1], modelInput.shape[2]];
  const recipe = pickedRecipe(o);
  if (recipe) log(`recipe ${recipe.name}: ${recipe.source}${recipe.notes.map((n) => `\n  note: ${n}`).join("")}`);
  if (inputShape.join() !== imageShape.join()) log(`input: ${imageShape.join("x")} images resized to ${inputShape.join("x")} (bilinear)`);
  log(`preprocessing: ${o.preprocess ?? "unit"} (value = pixel × ${modelInput.scale.toPrecision(6)} + ${modelInput.offset})`);
  const ctx: ModelBuildContext = { inputShape, numClasses: info.classNames.length, seed: o.seed };
  const { name, model } = await buildFor(o, ctx);
  const dir = modelDir(o.out, name, info.name);
  try {
    let transfer: Record<string, unknown> | undefined;
    let fineTune = false;
    if (name === "mobilenetv2") {
      if (o.pretrained) {
        const loaded = await loadPretrained(model, o.pretrained);
        const frozen = freezeBase(model);
        log(`pretrained: ${loaded.loaded} layers loaded from ${loaded.source}; ${frozen} base layers frozen under a new head`);
        transfer = {
          pretrained: loaded.source,
          loadedLayers: loaded.loaded,
          missingLayers: loaded.missing,
          frozenLayers: frozen,
          fineTuneLayers: o.fineTuneLayers,
        };
        fineTune = o.fineTuneLayers > 0;
      } else {
        log("mobilenetv2: no --pretrained weights given, so the whole network trains from scratch (no transfer learning)");
        transfer = { pretrained: null, fromScratch: true };
      }
    }
    const lr = compile(model, o);
    const summary = summarize(model);
    if (o.summary && o.progress) log(formatSummary(name, summary));

    const settings: LoopSettings = {
      epochs: o.epochs,
      firstEpoch: 1,
      batchSize: o.batchSize,
      imageShape,
      input: modelInput,
      numClasses: ctx.numClasses,
      labels: o.labels,
      patience: o.patience,
      augment: { kinds: o.augment, shiftFraction: o.shiftFraction, rotationDegrees: o.rotationDegrees, fillValue: modelInput.offset },
      seed: o.seed,
      progress: o.progress,
      label: name,
      ...(hooks.onBatch ? { onBatch: hooks.onBatch } : {}),
      decay: { learningRate: lr, rate: o.lrDecay },
    };
    const t0 = performance.now();
    const phase1 = await runEpochs(model, train, val, settings);
    let history = phase1.history;
    let bestEpoch = phase1.bestEpoch;
    if (fineTune && transfer) {
      const unfrozen = unfreezeTop(model, o.fineTuneLayers);
      const fineLr = compile(model, o, o.fineTuneLrFactor);
      log(`fine-tuning: ${unfrozen} top base layers unfrozen (batch norm stays frozen), learning rate ${fineLr}`);
      const phase2 = await runEpochs(model, train, val, {
        ...settings,
        epochs: o.fineTuneEpochs,
        firstEpoch: history.length + 1,
        decay: { learningRate: fineLr, rate: o.lrDecay },
      });
      history = [...history, ...phase2.history];
      bestEpoch = phase2.bestEpoch;
      transfer = { ...transfer, unfrozenLayers: unfrozen, fineTuneLearningRate: fineLr, fineTuneEpochs: phase2.history.length };
    }
    const trainingSeconds = (performance.now() - t0) / 1000;
    const test = await evaluateSet(model, data.test, settings);
    log(`${name} on ${info.name}: test loss ${test.loss.toFixed(4)}, test accuracy ${(test.accuracy * 100).toFixed(2)}% (${data.test.count} images)`);

    const trainSeconds = history.reduce((s, h) => s + h.seconds, 0);
    const inferenceMsPerSample = await timeInference(model, data.test, settings);
    const record: TrainRecord = {
      schemaVersion: TRAIN_RECORD_VERSION,
      model: name,
      architecture: summary.layers,
      params: { total: summary.total, trainable: summary.trainable, nonTrainable: summary.nonTrainable },
      dataset: {
        name: info.name,
        source: info.source,
        inputShape,
        ...(inputShape.join() === imageShape.join() ? {} : { imageShape }),
        classNames: [...info.classNames],
        scale: modelInput.scale,
        offset: modelInput.offset,
        layout: "NHWC",
        trainCount: train.count,
        valCount: val.count,
        testCount: data.test.count,
      },
      options: { ...o, learningRate: lr },
      history,
      epochsRun: history.length,
      bestEpoch,
      test,
      trainingSeconds,
      samplesPerSecond: (train.count * history.length) / trainSeconds,
      paramsPerSecond: summary.total / trainingSeconds,
      ...(inferenceMsPerSample === undefined ? {} : { inferenceMsPerSample }),
      ...(recipe ? { recipe: { name: recipe.name, source: recipe.source, notes: [...recipe.notes] } } : {}),
      backend: {
        name: backend.name,
        reason: backend.reason,
        rejected: [...backend.rejected],
        ...(backend.timings ? { timings: [...backend.timings], timingStep: backend.timingStep } : {}),
        ...(backend.adapter ? { adapter: recordedAdapter(backend.adapter) } : {}),
      },
      seed: o.seed,
      transfer,
      versions: { harness: await packageVersion(), tfjs: tf.version.tfjs, node: process.versions.node },
      createdAt: new Date().toISOString(),
    };
    await saveTfjsModel(model, dir);
    await writeTrainRecord(dir, record);
    log(`saved ${dir}`);
    return { dir, record };
  } finally {
    model.dispose();
  }
}

/**
 * Lab 3's inference time: `model.predict(x_test[:1000])` wall time / 1000, in ms per sample
 * (tfjs, batch 32, the preprocessing included as in the notebook's Lambda layers).
 * Undefined for an empty test set.
 */
async function timeInference(model: tf.LayersModel, test: Dataset["test"], s: Pick<LoopSettings, "imageShape" | "input">): Promise<number | undefined> {
  const n = Math.min(1000, test.count);
  if (n === 0) return undefined;
  const per = s.imageShape[0] * s.imageShape[1] * s.imageShape[2];
  const t0 = performance.now();
  for (let start = 0; start < n; start += 32) {
    const k = Math.min(32, n - start);
    const out = tf.tidy(() => model.predict(modelInputTensor(test.images.subarray(start * per, (start + k) * per), k, s)) as tf.Tensor);
    await out.data();
    out.dispose();
  }
  return (performance.now() - t0) / n;
}

/**
 * The trained model directory for `model` on `dataset` when its files are all there and
 * its `train.json` reads; undefined when it must be trained.
 */
export async function trainedAlready(input: TrainOptionsInput): Promise<TrainedModel | undefined> {
  const o = resolveTrainOptions(input);
  const dir = modelDir(o.out, o.model, o.dataset);
  const present = await Promise.all(
    Object.values(MODEL_FILES).map((f) =>
      access(join(dir, f)).then(
        () => true,
        () => false,
      ),
    ),
  );
  if (!present.every(Boolean)) return undefined;
  try {
    return { dir, record: await readTrainRecord(dir) };
  } catch {
    return undefined; // An unreadable record is retrained.
  }
}

/**
 * Returns the trained model directory for `model` on `dataset`, training it first when
 * its `train.json` or weights are missing (the profile stage calls this on every run).
 */
export async function ensureTrained(input: TrainOptionsInput, hooks: TrainHooks = {}): Promise<TrainedModel> {
  return (await trainedAlready(input)) ?? trainModel(input, hooks);
}
