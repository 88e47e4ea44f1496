/**
 * The export stage: tfjs model directory → model.<precision>.onnx files + export.json.
 * FP32 is converted and checked against tfjs on the test set (fails loudly when it
 * disagrees); the other precisions are made from it by the quantizer and compared with it.
 */
import { ensureOutputDir } from "../formats/output-dir.ts";
import { basename, dirname, join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import * as ort from "onnxruntime-node";
import { selectBackend } from "../train/index.ts";
import { isDatasetName, loadDataset, sameShape, toModelInput, type ImageShape, type ModelInput } from "../datasets/index.ts";
import type { Dataset, ImageSet } from "../formats/dataset.ts";
import { loadTfjsModel, readTrainRecord, type TrainRecord } from "../formats/model-dir.ts";
import { batchFeed, calibrationFeeds, validationSlice } from "./calibration-feeds.ts";
import { convertTfjsToOnnx } from "./convert/tfjs-to-onnx.ts";
import { resolveExportOptions, type ExportOptions, type Precision, type ResolvedExportOptions } from "../formats/options/export-options.ts";
import {
  EXPORT_RECORD_FILE,
  EXPORT_RECORD_VERSION,
  MACHINE_TUNING_FILE,
  machineTuningDir,
  onnxFileName,
  writeExportRecord,
  type ExportRecord,
  type MachineTuning,
  type PrecisionRecord,
} from "../formats/export-record.ts";
import { PRECISIONS } from "../formats/enums.ts";
import { planExport, presentFiles, readMachineTuning, usableExportRecord } from "./freshness.ts";
import { machineLabel, thisMachine, tunerThreadSearch } from "./tune/machine-fingerprint.ts";
import { copyFile, writeFile } from "node:fs/promises";
import { encodeOnnx, writeOnnx, type onnx } from "../formats/onnx/onnx-io.ts";
import { toMetadataProps, type HarnessMetadata } from "../formats/onnx/onnx-metadata.ts";
import { predictOnnx, type ImageGeometry } from "./ort-inference.ts";
import { assertParity, compareOutputs, FP32_PARITY_THRESHOLDS, predictTfjs, top1Accuracy } from "./parity.ts";
import { convertFp16, optimizedOpHistogram, quantizeDynamic, quantizeStatic, type QuantReport, type StaticQuantOptions } from "./quantize/index.ts";
import { tuneInt8, type TuningRecord } from "./tune/index.ts";

/**
 * Exports the trained model in `options.modelDir` at every requested precision and writes
 * `export.json` beside it. Reuses the existing record when it is fresh (newer than
 * weights.bin, same options, files present) unless `force`.
 * @throws when the FP32 export disagrees with tfjs beyond {@link FP32_PARITY_THRESHOLDS}.
 */
export async function exportModel(options: ExportOptions): Promise<ExportRecord> {
  const opts = resolveExportOptions(options);
  const dir = opts.modelDir;
  const recordOptions: ExportRecord["options"] = {
    precisions: opts.precisions,
    calibrationMethod: opts.calibrationMethod,
    calibrationSize: opts.calibrationSize,
    percentile: opts.percentile,
    activationType: opts.activationType,
    minConvInputChannels: opts.minConvInputChannels,
    tune: opts.tune,
    accuracyBudget: opts.accuracyBudget,
    tuneBatch: opts.tuneBatch,
    tuneMs: opts.tuneMs,
    validationSize: opts.validationSize,
    intraOpThreads: opts.intraOpThreads,
    seed: opts.seed,
    parityLimit: opts.parityLimit ?? null,
  };
  // Redo only what changed (freshness.ts): per precision, the tuned int8 per machine (tuning/<machine id>/).
  const machine = opts.tune && opts.precisions.includes("int8") ? await thisMachine("cpu", opts.intraOpThreads) : undefined;
  const existing = opts.force ? { problem: "--force" } : await usableExportRecord(dir);
  const machineTuning = machine ? await readMachineTuning(dir, machine.id) : undefined;
  const known = [...("problem" in existing ? [] : existing.precisions.map((p) => p.file)), ...(machineTuning ? [machineTuning.precision.file] : [])];
  const present = await presentFiles(dir, known);
  const plan = planExport({ record: existing, present: (f) => present.has(f), machineId: machine?.id, machineTuning }, recordOptions);
  const ordered = (records: readonly PrecisionRecord[]) => PRECISIONS.flatMap((p) => records.filter((r) => r.precision === p));
  if (plan.make.length === 0 && !("problem" in existing)) {
    const precisions = ordered(plan.reuse);
    if (JSON.stringify(precisions) === JSON.stringify(existing.precisions) && JSON.stringify(plan.tuning) === JSON.stringify(existing.tuning)) {
      opts.onProgress(`export: ${basename(dir)} is up to date (${join(dir, "export.json")}), reusing it`);
      return existing;
    }
    // This machine's own tuned int8 (tuning/<id>/) replaces another machine's in export.json.
    const record: ExportRecord = {
      ...existing,
      precisions,
      tuning: plan.tuning,
      options: { ...existing.options, precisions: precisions.map((p) => p.precision) },
    };
    await writeExportRecord(dir, record);
    opts.onProgress(
      `export: ${basename(dir)}: using the int8 tuned on this machine (${machine ? machineLabel(machine) : "?"}) in ${machineTuningDir(machine?.id ?? "?")}`,
    );
    return record;
  }
  // Why each file is made again, when there was a record (a first export says nothing).
  if (!("problem" in existing)) for (const m of plan.make) opts.onProgress(`export: ${basename(dir)} ${m.precision}: exporting (${m.reason})`);
  else if (existing.problem !== `no ${EXPORT_RECORD_FILE} yet`) opts.onProgress(`export: ${basename(dir)}: exporting every precision (${existing.problem})`);
  const toMake = new Set(plan.make.map((m) => m.precision));
  const reused = plan.reuse.filter((r) => !toMake.has(r.precision));
  const train = await readTrainRecord(dir);
  const backend = await selectBackend(opts.tfjsBackend);
  const dataset = await loadEvaluationData(train, opts);
  const geometry: ImageGeometry = { height: dataset.info.height, width: dataset.info.width, channels: dataset.info.channels };
  const label = basename(dir);
  const model = await loadTfjsModel(dir);
  try {
    const metadata: HarnessMetadata = {
      model: train.model,
      dataset: train.dataset.name,
      layout: "NCHW",
      inputShape: [geometry.channels, geometry.height, geometry.width],
      scale: train.dataset.scale,
      offset: train.dataset.offset ?? 0,
      classNames: train.dataset.classNames,
      precision: "fp32",
      datasetSeed: train.seed,
    };
    const test = dataset.test;
    const classes = train.dataset.classNames.length;

    // FP32: convert, compare with tfjs before anything is written.
    let started = performance.now();
    const { model: fp32Model, facts } = convertTfjsToOnnx(model, { metadata, graphName: label });
    const fp32Bytes = encodeOnnx(fp32Model);
    const tfjsOutputs = predictTfjs(model, test, geometry, opts.batchSize);
    const fp32Outputs = await predictOnnx(fp32Bytes, test, geometry, opts.batchSize);
    const fp32Parity = compareOutputs(tfjsOutputs, fp32Outputs, classes);
    assertParity(`FP32 export of "${label}"`, "tfjs", fp32Parity, FP32_PARITY_THRESHOLDS);
    const records: PrecisionRecord[] = [...reused];
    if (toMake.has("fp32"))
      records.push(
        await finish(
          dir,
          "fp32",
          fp32Model,
          null,
          started,
          {
            reference: "tfjs",
            ...fp32Parity,
            thresholds: { ...FP32_PARITY_THRESHOLDS },
          },
          top1Accuracy(fp32Outputs, test.labels, classes),
        ),
      );
    if (toMake.has("fp32")) progress(opts, records.at(-1)!);

    // The others, derived from FP32 and compared with it.
    let calibration: ExportRecord["calibration"] = "problem" in existing ? null : existing.calibration;
    let tuning: TuningRecord | null = plan.tuning;
    let feeds: Record<string, ort.Tensor>[] | undefined;
    const calibrate = (): Record<string, ort.Tensor>[] => {
      feeds ??= calibrationFeeds(dataset.train, geometry, {
        size: opts.calibrationSize,
        seed: opts.seed,
        inputName: facts.inputName,
        inputRank: facts.inputShape.length,
      });
      calibration = { images: Math.min(opts.calibrationSize, dataset.train.count), batches: feeds.length };
      return feeds;
    };
    const quant: StaticQuantOptions = { method: opts.calibrationMethod, percentile: opts.percentile, activationType: opts.activationType };
    for (const precision of opts.precisions.filter((p) => p !== "fp32" && toMake.has(p))) {
      started = performance.now();
      let derived: { model: onnx.IModelProto; report: QuantReport };
      if (precision === "int8" && opts.tune) {
        const validation = validationSlice(dataset.train, geometry, { size: opts.validationSize, skip: opts.calibrationSize, seed: opts.seed });
        const tuned = await tuneInt8(
          fp32Model,
          calibrate(),
          quant,
          {
            timingFeed: batchFeed(validation, geometry, opts.tuneBatch, facts.inputName, facts.inputShape.length),
            accuracyOf: async (bytes) => top1Accuracy(await predictOnnx(bytes, validation, geometry, opts.batchSize), validation.labels, classes),
            validation: { split: "train", images: validation.count },
          },
          {
            batch: opts.tuneBatch,
            accuracyBudgetPoints: opts.accuracyBudget,
            measureMs: opts.tuneMs,
            intraOpThreads: opts.intraOpThreads,
            ...(machine ? { threadSearch: tunerThreadSearch(opts.intraOpThreads, machine) } : {}),
          },
        );
        tuning = { ...tuned.record, ...(machine ? { machine } : {}) };
        derived = tuned;
        opts.onProgress(
          `export: int8 tuned on cpu at batch ${opts.tuneBatch} on ${machine ? machineLabel(machine) : "this machine"}: ${tuningSummary(tuned.record)}`,
        );
      } else if (precision === "int8" || precision === "int8-all") {
        const minConvInputChannels = precision === "int8" ? opts.minConvInputChannels : 0;
        derived = await quantizeStatic(structuredClone(fp32Model), calibrate(), { ...quant, minConvInputChannels });
      } else if (precision === "int8-dynamic") {
        derived = quantizeDynamic(structuredClone(fp32Model));
      } else {
        derived = convertFp16(structuredClone(fp32Model));
      }
      const withMetadata = { ...derived.model, metadataProps: toMetadataProps({ ...metadata, precision }) };
      const outputs = await predictOnnx(encodeOnnx(withMetadata), test, geometry, opts.batchSize);
      const parity = { reference: "fp32" as const, ...compareOutputs(fp32Outputs, outputs, classes), thresholds: null };
      const tunedHere = precision === "int8" && opts.tune && machine && tuning ? machine : undefined;
      const file = tunedHere ? `${machineTuningDir(tunedHere.id)}/${onnxFileName("int8")}` : undefined;
      records.push(await finish(dir, precision, withMetadata, derived.report, started, parity, top1Accuracy(outputs, test.labels, classes), file));
      progress(opts, records.at(-1)!);
      if (tunedHere && tuning && file) {
        // Each machine's tuned int8 and its record stay in tuning/<id>/; model.int8.onnx is a copy of the latest, for readers of the plain name.
        const tuningFile: MachineTuning = { schemaVersion: 1, options: recordOptions, precision: records.at(-1)!, tuning, createdAt: new Date().toISOString() };
        await writeFile(join(dir, machineTuningDir(tunedHere.id), MACHINE_TUNING_FILE), JSON.stringify(tuningFile, null, 2) + "\n");
        await copyFile(join(dir, file), join(dir, onnxFileName("int8")));
      }
    }
    const finalPrecisions = ordered(records);

    const record: ExportRecord = {
      schemaVersion: EXPORT_RECORD_VERSION,
      model: train.model,
      dataset: train.dataset.name,
      options: { ...recordOptions, precisions: finalPrecisions.map((p) => p.precision) },
      converter: facts,
      evaluation: { split: "test", count: test.count, tfjsBackend: backend.name, tfjsAccuracy: top1Accuracy(tfjsOutputs, test.labels, classes) },
      calibration,
      precisions: finalPrecisions,
      tuning: finalPrecisions.some((p) => p.precision === "int8") ? tuning : null,
      versions: { "@tensorflow/tfjs": tf.version.tfjs ?? "unknown", "onnxruntime-node": ort.env.versions.node ?? ort.env.versions.common },
      createdAt: new Date().toISOString(),
    };
    await writeExportRecord(dir, record);
    return record;
  } finally {
    model.dispose();
  }
}

/** Writes one precision's file and measures what the record needs about it. */
async function finish(
  dir: string,
  precision: Precision,
  model: onnx.IModelProto,
  report: QuantReport | null,
  started: number,
  parity: PrecisionRecord["parity"],
  accuracy: number,
  file = onnxFileName(precision),
): Promise<PrecisionRecord> {
  const path = join(dir, file);
  await ensureOutputDir(dirname(path));
  const bytes = await writeOnnx(path, model);
  const opHistogram = await optimizedOpHistogram(path);
  return {
    precision,
    file,
    bytes,
    opHistogram,
    quantization: report && { quantized: report.quantized, float: report.float },
    parity,
    accuracy,
    seconds: (performance.now() - started) / 1000,
  };
}

/** `+0.05`, `-0.10`, `±0.00` (accuracy change, points, 2 decimals). */
function signedPoints(x: number): string {
  const r = x.toFixed(2);
  return Number(r) === 0 ? "±0.00" : x > 0 ? `+${r}` : r;
}

/** One line: each candidate's speedup and accuracy drop, the chosen one marked. */
export function tuningSummary(t: TuningRecord): string {
  const parts = t.candidates.map(
    (c) =>
      `${c.name === t.chosen ? "*" : ""}${c.name} ${c.speedup === null ? "?" : c.speedup.toFixed(2)}x` +
      (c.accuracyDropPoints === null ? "" : ` ${signedPoints(-c.accuracyDropPoints)} pt`),
  );
  return `${parts.join(", ")} (${t.seconds.toFixed(1)} s; chose ${t.chosen}: ${t.why})`;
}

function progress(opts: ResolvedExportOptions, r: PrecisionRecord): void {
  const vs = r.parity.reference === "tfjs" ? "vs tfjs" : "vs fp32";
  opts.onProgress(
    `export: ${r.precision.padEnd(12)} ${r.file} ${(r.bytes / 1024).toFixed(1)} KiB, accuracy ${(r.accuracy * 100).toFixed(2)} %, ` +
      `${vs}: top-1 agreement ${(r.parity.top1Agreement * 100).toFixed(2)} %, max |Δ| ${r.parity.maxAbsDiff.toExponential(2)} (${r.seconds.toFixed(1)} s)`,
  );
}

/** `set` (dataset shape, [0, 1]) as the model takes it: resized and scaled by `input`. */
function asModelInput(set: ImageSet, from: ImageShape, input: ModelInput): ImageSet {
  const [h, w, c] = input.shape;
  const images = new Float32Array(set.count * h * w * c);
  toModelInput(set.images, set.count, from, input, images);
  return { images, labels: set.labels, count: set.count };
}

/**
 * The model's dataset: the test split (first `parityLimit` images) and, for static INT8, the
 * train split, as the model takes them (resized to its input and scaled by its
 * preprocessing, so tfjs, ONNX Runtime and the calibration see the numbers training saw).
 */
async function loadEvaluationData(train: TrainRecord, opts: ResolvedExportOptions): Promise<Dataset> {
  const raw = await loadDatasetImages(train, opts);
  const from: ImageShape = train.dataset.imageShape ?? train.dataset.inputShape;
  const input: ModelInput = { shape: train.dataset.inputShape, scale: train.dataset.scale, offset: train.dataset.offset ?? 0 };
  if (sameShape(from, input.shape) && Math.abs(255 * input.scale - 1) < 1e-12 && input.offset === 0) return raw;
  const [height, width, channels] = input.shape;
  return { info: { ...raw.info, height, width, channels }, train: asModelInput(raw.train, from, input), test: asModelInput(raw.test, from, input) };
}

/** The dataset's own images ([0, 1], the shape it was read at for training). */
async function loadDatasetImages(train: TrainRecord, opts: ResolvedExportOptions): Promise<Dataset> {
  const name = train.dataset.name;
  if (!isDatasetName(name)) throw new Error(`The model was trained on dataset "${name}", which loadDataset does not know.`);
  const [height, width, channels] = train.dataset.imageShape ?? train.dataset.inputShape;
  const trainedDataDir = train.options.dataDir;
  const dataset = await loadDataset(name, {
    dataDir: opts.dataDir ?? trainedDataDir,
    testLimit: opts.parityLimit,
    limit: opts.precisions.includes("int8") || opts.precisions.includes("int8-all") ? undefined : 0,
    seed: train.seed,
    height,
    width,
    channels: channels === 1 || channels === 3 ? channels : undefined,
  });
  const info = dataset.info;
  if (info.height !== height || info.width !== width || info.channels !== channels) {
    throw new Error(`Dataset "${name}" has images ${info.height}×${info.width}×${info.channels} but the model was trained on ${height}×${width}×${channels}.`);
  }
  return dataset;
}
