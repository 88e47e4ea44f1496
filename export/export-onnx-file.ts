/**
 * `npm run export -- --onnx model.onnx`: quantizes an ONNX model the harness did not write.
 * Calibration images come from a dataset (mnist, fashion-mnist, cifar10), an image folder
 * (resized with sharp to the model's input, normalised by the given mean and std), or,
 * failing those, generated inputs (with a loud warning: accuracy is then unknown). Writes
 * `<stem>.<precision>.onnx` and `<stem>.export.json` into `outDir` (default: beside the file).
 */
import { stat, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { isDatasetName, loadDataset } from "../datasets/index.ts";
import type { ImageSet } from "../formats/dataset.ts";
import type { Precision } from "../formats/options/export-options.ts";
import type { OnnxExportRecord } from "../formats/onnx-export-record.ts";
import { describeInput, generatedFeeds, imageFeeds, imagesTensor, type ForeignInput, type Normalisation } from "./foreign-input.ts";
import { readOnnx, writeOnnx, type onnx } from "../formats/onnx/onnx-io.ts";
import { top1Accuracy } from "./parity.ts";
import { convertFp16, optimizedOpHistogram, quantizeDynamic, quantizeStatic, type QuantReport } from "./quantize/index.ts";
import { tuneInt8, type TuningRecord } from "./tune/index.ts";
import { machineLabel, thisMachine, tunerThreadSearch } from "./tune/machine-fingerprint.ts";
import type { ImageGeometry } from "./ort-inference.ts";
import { openOrtSession, ortSessionOptions } from "../ort/index.ts";

/** Calibration source names besides a folder path. */
export const CALIBRATION_SOURCES = ["mnist", "fashion-mnist", "cifar10", "generated"] as const;

/** Options of {@link exportOnnxFile}; only `onnx` is required. */
export interface OnnxExportOptions {
  /** The FP32 ONNX file. */
  onnx: string;
  /** Precisions to write besides the source file (fp32 is the file itself). Default ["int8"]. */
  precisions?: readonly Precision[];
  /** `mnist`, `fashion-mnist`, `cifar10` (with `dataDir`), an image folder path, or `generated`. Default `generated`. */
  calibration?: string;
  /** Dataset folder (cifar10, or another mnist/fashion-mnist copy). */
  dataDir?: string;
  /** Normalisation of [0, 1] pixels: (x − mean) ÷ std, per channel. Default mean 0, std 1. */
  normalisation?: Normalisation;
  /** Calibration images. Default 300. */
  calibrationSize?: number;
  /** Validation images (disjoint from calibration) for the tuner's accuracy check (datasets only). Default 2000. */
  validationSize?: number;
  /** Tuner options as in `ExportOptions`. */
  tune?: boolean;
  accuracyBudget?: number;
  tuneBatch?: number;
  tuneMs?: number;
  intraOpThreads?: number;
  /** Where the files go. Default: the source file's folder. */
  outDir?: string;
  onProgress?: (line: string) => void;
}

/** The loud warning printed and recorded when calibration falls back to generated inputs. */
export const GENERATED_WARNING =
  "WARNING: calibrating on generated inputs (uniform noise in [0, 1)): activation ranges may not match real data, and accuracy is unknown. Pass --calibration <dataset|image folder> for real images.";

interface Images {
  readonly set: ImageSet | null;
  readonly geometry: ImageGeometry | undefined;
  readonly labelled: boolean;
}

async function isFolder(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/** Loads the calibration images the source names (null set for `generated`). */
async function loadImages(source: string, input: ForeignInput, o: OnnxExportOptions, needed: number): Promise<Images> {
  if (source === "generated") return { set: null, geometry: input.geometry, labelled: false };
  const g = input.geometry;
  const channels = g?.channels === 1 || g?.channels === 3 ? g.channels : undefined;
  if (isDatasetName(source) && source !== "folder" && source !== "synthetic") {
    const ds = await loadDataset(source, { ...(o.dataDir ? { dataDir: o.dataDir } : {}), limit: needed, testLimit: 0 });
    const info = ds.info;
    if (g && (g.height !== info.height || g.width !== info.width || g.channels !== info.channels)) {
      throw new Error(
        `Dataset "${source}" has images ${info.height}×${info.width}×${info.channels} but input "${input.name}" wants ${g.height}×${g.width}×${g.channels}. Give an image folder instead (it is resized to the input).`,
      );
    }
    return { set: ds.train, geometry: { height: info.height, width: info.width, channels: info.channels }, labelled: true };
  }
  if (await isFolder(source)) {
    if (!g || !channels) throw new Error(`Input "${input.name}" has no fixed image size with 1 or 3 channels; an image folder cannot be resized to it.`);
    const ds = await loadDataset("folder", { dataDir: source, height: g.height, width: g.width, channels, testFraction: 0, limit: needed });
    return { set: ds.train, geometry: g, labelled: false };
  }
  throw new Error(`Unknown calibration source "${source}". Expected one of: ${CALIBRATION_SOURCES.join(", ")}, or an image folder (one subfolder per class)`);
}

/** Quantizes a foreign ONNX model; returns the record it writes. */
export async function exportOnnxFile(o: OnnxExportOptions): Promise<OnnxExportRecord> {
  const log = o.onProgress ?? (() => {});
  const precisions = (o.precisions ?? ["int8"]).filter((p) => p !== "fp32");
  const model = await readOnnx(o.onnx);
  const input = describeInput(model);
  const source = o.calibration ?? "generated";
  const calibrationSize = o.calibrationSize ?? 300;
  const validationSize = o.validationSize ?? 2000;
  const norm = o.normalisation ?? { mean: [0], std: [1] };
  const tuneBatch = input.fixedBatch ?? o.tuneBatch ?? 32;
  const feedBatch = input.fixedBatch ?? 32;
  const images = await loadImages(source, input, o, calibrationSize + validationSize);
  const warning = images.set ? null : GENERATED_WARNING;
  if (warning) log(warning);
  const calibration =
    images.set && images.geometry
      ? imageFeeds(images.set, images.geometry, input, Math.min(calibrationSize, images.set.count), feedBatch, norm)
      : generatedFeeds(input, Math.max(1, Math.ceil(calibrationSize / feedBatch)), feedBatch, 1);
  const stem = basename(o.onnx)
    .replace(/\.onnx$/i, "")
    .replace(/\.fp32$/, "");
  const outDir = o.outDir ?? dirname(o.onnx);
  const written: OnnxExportRecord["precisions"] = [];
  let tuning: TuningRecord | null = null;
  for (const precision of precisions) {
    let derived: { model: onnx.IModelProto; report: QuantReport };
    const quant = { method: "minmax", activationType: "uint8" } as const;
    if (precision === "int8" && (o.tune ?? true)) {
      const machine = await thisMachine("cpu", o.intraOpThreads ?? 0);
      const tuned = await tuneInt8(model, calibration, quant, tuneData(images, input, norm, calibrationSize, validationSize, tuneBatch), {
        batch: tuneBatch,
        accuracyBudgetPoints: o.accuracyBudget ?? 0.3,
        measureMs: o.tuneMs ?? 3000,
        intraOpThreads: o.intraOpThreads ?? 0,
        threadSearch: tunerThreadSearch(o.intraOpThreads ?? 0, machine),
      });
      tuning = { ...tuned.record, machine };
      derived = tuned;
      log(`export: ${stem} int8 tuned on cpu at batch ${tuneBatch} on ${machineLabel(machine)}: chose ${tuned.record.chosen} (${tuned.record.why})`);
    } else if (precision === "int8" || precision === "int8-all") {
      derived = await quantizeStatic(model, calibration, { ...quant, minConvInputChannels: 0 });
    } else if (precision === "int8-dynamic") {
      derived = quantizeDynamic(model);
    } else {
      derived = convertFp16(model);
    }
    const file = `${stem}.${precision}.onnx`;
    const path = join(outDir, file);
    const bytes = await writeOnnx(path, derived.model);
    written.push({ precision, file, bytes, opHistogram: await optimizedOpHistogram(path), quantization: derived.report });
    log(`export: ${file} ${(bytes / 1024).toFixed(1)} KiB, ${derived.report.float.length} node(s) left float`);
  }
  const record: OnnxExportRecord = {
    schemaVersion: 1,
    source: o.onnx,
    input: { name: input.name, layout: input.layout, fixedBatch: input.fixedBatch ?? null },
    // distinct images (a last feed padded to a fixed batch repeats some)
    calibration: {
      source,
      images: images.set ? Math.min(calibrationSize, images.set.count) : calibration.length * feedBatch,
      labelled: images.labelled,
      warning,
    },
    precisions: written,
    tuning,
    createdAt: new Date().toISOString(),
  };
  await writeFile(join(outDir, `${stem}.export.json`), JSON.stringify(record, null, 2) + "\n");
  return record;
}

/** The tuner's data: a timing feed, and accuracy on the validation slice when the images are labelled. */
function tuneData(images: Images, input: ForeignInput, norm: Normalisation, skip: number, size: number, batch: number) {
  const set = images.set;
  const g = images.geometry;
  const timingFeed = set && g ? { [input.name]: imagesTensor(set, g, input, skip, batch, norm) } : generatedFeeds(input, 1, batch, 2)[0]!;
  if (!set || !g || !images.labelled || set.count <= skip) {
    return { timingFeed, accuracyOf: async () => null, validation: { split: "generated" as const, images: 0 } };
  }
  const count = Math.min(size, set.count - skip);
  const labels = set.labels.subarray(skip, skip + count);
  return {
    timingFeed,
    validation: { split: "train" as const, images: count },
    accuracyOf: async (bytes: Uint8Array) => {
      const session = await openOrtSession(bytes, ortSessionOptions({ executionProviders: ["cpu"], logLevel: 3 }));
      try {
        const step = input.fixedBatch ?? 256;
        const outputs: Float32Array[] = [];
        for (let start = 0; start < count; start += step) {
          const r = await session.run({ [input.name]: imagesTensor(set, g, input, skip + start, step, norm) });
          outputs.push((r[session.outputNames[0] ?? ""]?.data as Float32Array).slice());
        }
        const classes = (outputs[0]?.length ?? 0) / step;
        const all = new Float32Array(outputs.reduce((n, x) => n + x.length, 0));
        let at = 0;
        for (const x of outputs) {
          all.set(x, at);
          at += x.length;
        }
        return top1Accuracy(all, labels, classes);
      } finally {
        await session.release();
      }
    },
  };
}
