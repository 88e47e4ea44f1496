/**
 * An image folder: one subfolder per class (sorted names = class names, index = label),
 * each holding JPEG, PNG or WebP files. Images are decoded with `sharp`, resized to the
 * requested size with fit "cover" (scaled to fill, centre-cropped), converted to grey or
 * RGB. Folders have no test split, so a seeded, per-class fraction is held out.
 */
import { availableParallelism } from "node:os";
import { readdir } from "node:fs/promises";
import { extname, join } from "node:path";
import type { Dataset, ImageSet } from "../formats/dataset.ts";
import { DatasetError } from "./data-files.ts";
import { bytesToUnitFloats } from "./unit-floats.ts";
import { seededRandom, shuffledIndices } from "../measure/index.ts";

/** File extensions read as images (compared in lower case). */
export const IMAGE_EXTENSIONS: readonly string[] = [".jpg", ".jpeg", ".png", ".webp"];

/** Options of {@link loadImageFolder}. */
export interface ImageFolderOptions {
  /** Folder holding one subfolder per class (required). */
  readonly dataDir: string;
  /** Output height in pixels. Default 32. */
  readonly height?: number;
  /** Output width in pixels. Default 32. */
  readonly width?: number;
  /** Output channels, 1 (grey) or 3 (RGB). Default 3. */
  readonly channels?: 1 | 3;
  /** Fraction of each class's images held out for the test split, in [0, 1). Default 0.2. */
  readonly testFraction?: number;
  /** Seed of the train/test split and its order. Default 1. */
  readonly seed?: number;
  /** Keep at most this many training images (decoding only those). Default: all. */
  readonly limit?: number;
  /** Keep at most this many test images (decoding only those). Default: all. */
  readonly testLimit?: number;
  /** Images decoded at the same time. Default: CPU cores, at most 8. */
  readonly concurrency?: number;
}

/** One image file and its class. */
interface ImageFile {
  readonly path: string;
  readonly label: number;
}

const FOLDER_HELP = "expected one subfolder per class holding .jpg, .jpeg, .png or .webp images";

/** Lists the class subfolders (sorted, hidden ones skipped) and their image files (sorted). */
async function listImageFiles(dataDir: string): Promise<{ classNames: string[]; files: ImageFile[] }> {
  let entries;
  try {
    entries = await readdir(dataDir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem = code === "ENOENT" ? "folder not found" : code === "ENOTDIR" ? "not a folder" : `cannot read folder (${String(error)})`;
    throw new DatasetError(dataDir, `"${dataDir}": ${problem}. Pass --data-dir with a folder that has one subfolder per class`);
  }
  const classNames = entries
    .filter((e) => e.isDirectory() && !e.name.startsWith("."))
    .map((e) => e.name)
    .sort();
  if (classNames.length === 0) {
    throw new DatasetError(dataDir, `"${dataDir}": no class subfolders; ${FOLDER_HELP} (e.g. ${join(dataDir, "cat", "001.jpg")})`);
  }
  if (classNames.length > 256) {
    throw new DatasetError(dataDir, `"${dataDir}": ${classNames.length} class subfolders, at most 256 are supported`);
  }
  const files: ImageFile[] = [];
  const empty: string[] = [];
  for (const [label, name] of classNames.entries()) {
    const dir = join(dataDir, name);
    const images = (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isFile() && !e.name.startsWith(".") && IMAGE_EXTENSIONS.includes(extname(e.name).toLowerCase()))
      .map((e) => e.name)
      .sort();
    if (images.length === 0) empty.push(name);
    for (const image of images) files.push({ path: join(dir, image), label });
  }
  if (empty.length === classNames.length) {
    throw new DatasetError(dataDir, `"${dataDir}": no images in its class subfolders; ${FOLDER_HELP}`);
  }
  if (empty.length > 0) {
    throw new DatasetError(
      dataDir,
      `"${dataDir}": class subfolders without images: ${empty.join(", ")}; add .jpg, .jpeg, .png or .webp images or remove those folders`,
    );
  }
  return { classNames, files };
}

/**
 * Splits files into train and test in a seeded shuffled order: of each class's `n` images,
 * `Math.round(n × fraction)` go to test (the first ones met in the shuffled order).
 */
function splitFiles(files: readonly ImageFile[], classCount: number, fraction: number, seed: number) {
  const totals = new Array<number>(classCount).fill(0);
  for (const f of files) totals[f.label]!++;
  const quota = totals.map((n) => Math.round(n * fraction));
  const train: ImageFile[] = [];
  const test: ImageFile[] = [];
  for (const i of shuffledIndices(files.length, seededRandom(seed))) {
    const f = files[i]!;
    if (quota[f.label]! > 0) {
      quota[f.label]!--;
      test.push(f);
    } else {
      train.push(f);
    }
  }
  return { train, test };
}

type SharpModule = (typeof import("sharp"))["default"];

/** Decodes one file to `height × width × channels` bytes. */
async function decodeImage(sharp: SharpModule, path: string, height: number, width: number, channels: 1 | 3): Promise<Uint8Array> {
  let data: Buffer;
  let info: { channels: number; width: number; height: number };
  try {
    let pipeline = sharp(path).autoOrient().resize(width, height, { fit: "cover" }).removeAlpha();
    pipeline = channels === 1 ? pipeline.toColourspace("b-w") : pipeline.toColourspace("srgb");
    ({ data, info } = await pipeline.raw({ depth: "uchar" }).toBuffer({ resolveWithObject: true }));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DatasetError(path, `"${path}": cannot decode image (${reason}). Remove or replace the file`);
  }
  if (info.channels !== channels || info.width !== width || info.height !== height) {
    throw new DatasetError(
      path,
      `"${path}": decoded to ${info.width}×${info.height}×${info.channels}, expected ${width}×${height}×${channels}. Convert the file to 8-bit RGB or grey`,
    );
  }
  return data;
}

/** Decodes `files` into one {@link ImageSet}, at most `concurrency` at a time. */
async function decodeSet(
  sharp: SharpModule,
  files: readonly ImageFile[],
  height: number,
  width: number,
  channels: 1 | 3,
  concurrency: number,
): Promise<ImageSet> {
  const size = height * width * channels;
  const images = new Float32Array(files.length * size);
  const labels = new Uint8Array(files.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const i = next++;
      const file = files[i]!;
      bytesToUnitFloats(await decodeImage(sharp, file.path, height, width, channels), images, i * size);
      labels[i] = file.label;
    }
  };
  const workers: Promise<void>[] = [];
  for (let w = 0; w < Math.min(concurrency, files.length); w++) workers.push(worker());
  await Promise.all(workers);
  return { images, labels, count: files.length };
}

function checkSize(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 1 || value > 4096) {
    throw new RangeError(`Invalid image ${name} ${value}: expected a whole number in 1..4096`);
  }
}

/**
 * Loads an image folder as a dataset of `height × width × channels` float32 images in [0, 1].
 * @throws {DatasetError} on a missing folder, no class subfolders, a class with no images,
 *   or an undecodable image (naming the file).
 */
export async function loadImageFolder(options: ImageFolderOptions): Promise<Dataset> {
  const { dataDir } = options;
  const height = options.height ?? 32;
  const width = options.width ?? 32;
  const channels = options.channels ?? 3;
  const fraction = options.testFraction ?? 0.2;
  const concurrency = options.concurrency ?? Math.min(8, availableParallelism());
  checkSize(height, "height");
  checkSize(width, "width");
  if (channels !== 1 && channels !== 3) {
    throw new RangeError(`Invalid channels ${String(channels)}: expected 1 or 3`);
  }
  if (!(fraction >= 0 && fraction < 1)) {
    throw new RangeError(`Invalid test fraction ${fraction}: expected a number in [0, 1)`);
  }
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`Invalid concurrency ${concurrency}: expected a whole number ≥ 1`);
  }
  const { classNames, files } = await listImageFiles(dataDir);
  const split = splitFiles(files, classNames.length, fraction, options.seed ?? 1);
  const trainFiles = split.train.slice(0, options.limit ?? split.train.length);
  const testFiles = split.test.slice(0, options.testLimit ?? split.test.length);
  const sharp = (await import("sharp")).default;
  const train = await decodeSet(sharp, trainFiles, height, width, channels, concurrency);
  const test = await decodeSet(sharp, testFiles, height, width, channels, concurrency);
  return {
    info: { name: "folder", height, width, channels, classNames, source: dataDir },
    train,
    test,
  };
}
