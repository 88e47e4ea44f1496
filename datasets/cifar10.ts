/**
 * CIFAR-10 in its standard binary format ("CIFAR-10 binary version", cifar-10-batches-bin):
 * `data_batch_1.bin`..`data_batch_5.bin` and `test_batch.bin`, each a run of 3073-byte
 * records — 1 label byte, then 1024 red, 1024 green and 1024 blue bytes of a 32×32 image.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Dataset, ImageSet } from "../formats/dataset.ts";
import { DatasetError, pathExists, readDataFile } from "./data-files.ts";
import { unitFloat } from "./unit-floats.ts";

/** Bytes per CIFAR-10 record: 1 label byte + 32 × 32 × 3 pixel bytes. */
export const CIFAR10_RECORD_BYTES = 3073;

/** The standard CIFAR-10 class names, index = label. */
export const CIFAR10_CLASS_NAMES: readonly string[] = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

/** Training batch file names, in reading order. */
export const CIFAR10_TRAIN_FILES: readonly string[] = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
/** Test batch file name. */
export const CIFAR10_TEST_FILE = "test_batch.bin";

const CIFAR_FIX =
  "Pass --data-dir with the folder holding data_batch_1.bin..data_batch_5.bin and test_batch.bin (the CIFAR-10 binary version, cifar-10-batches-bin)";

/** Options of {@link loadCifar10}. */
export interface Cifar10Options {
  /** Folder holding the six `.bin` batches (required). */
  readonly dataDir?: string;
  /** Keep the first `limit` training images. Default: all 50000. */
  readonly limit?: number;
  /** Keep the first `testLimit` test images. Default: all 10000. */
  readonly testLimit?: number;
}

const SIDE = 32;
const PLANE = SIDE * SIDE;

/**
 * Converts CIFAR-10 batch files to one NHWC {@link ImageSet}, keeping at most `limit` images.
 * @throws {DatasetError} when a file's size is not a multiple of 3073 bytes or a label exceeds 9.
 */
export function decodeCifar10Batches(files: readonly { readonly path: string; readonly bytes: Uint8Array }[], limit = Number.POSITIVE_INFINITY): ImageSet {
  for (const { path, bytes } of files) {
    if (bytes.length % CIFAR10_RECORD_BYTES !== 0) {
      throw new DatasetError(
        path,
        `"${path}": size ${bytes.length} bytes is not a multiple of the CIFAR-10 record size 3073 (1 label byte + 3072 pixel bytes). Use the CIFAR-10 binary version (not the Python or CIFAR-100 one), and re-download a truncated file`,
      );
    }
  }
  const total = files.reduce((n, f) => n + f.bytes.length / CIFAR10_RECORD_BYTES, 0);
  const count = Math.min(total, limit);
  const images = new Float32Array(count * PLANE * 3);
  const labels = new Uint8Array(count);
  let n = 0;
  for (const { path, bytes } of files) {
    const records = bytes.length / CIFAR10_RECORD_BYTES;
    for (let r = 0; r < records && n < count; r++, n++) {
      const at = r * CIFAR10_RECORD_BYTES;
      const label = bytes[at]!;
      if (label >= CIFAR10_CLASS_NAMES.length) {
        throw new DatasetError(path, `"${path}": label ${label} of record ${r} is outside 0..9`);
      }
      labels[n] = label;
      const out = n * PLANE * 3;
      const red = at + 1;
      for (let p = 0; p < PLANE; p++) {
        const o = out + p * 3;
        images[o] = unitFloat(bytes[red + p]!);
        images[o + 1] = unitFloat(bytes[red + PLANE + p]!);
        images[o + 2] = unitFloat(bytes[red + 2 * PLANE + p]!);
      }
    }
  }
  return { images, labels, count };
}

/** Class names from `batches.meta.txt` (one a line, blank lines ignored), or the standard names. */
async function readClassNames(dataDir: string): Promise<readonly string[]> {
  const path = join(dataDir, "batches.meta.txt");
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return CIFAR10_CLASS_NAMES;
  }
  const names = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  if (names.length !== CIFAR10_CLASS_NAMES.length) {
    throw new DatasetError(
      path,
      `"${path}": expected 10 class names, one a line, found ${names.length}. Fix or delete the file (the standard names are used without it)`,
    );
  }
  return names;
}

/**
 * Loads CIFAR-10: 50000 train and 10000 test images, 32×32×3 NHWC, float32 in [0, 1].
 * All six batch files must be present.
 * @throws {DatasetError} when `dataDir` is missing, names every missing batch file, or a bad file.
 */
export async function loadCifar10(options: Cifar10Options = {}): Promise<Dataset> {
  const { dataDir } = options;
  if (dataDir === undefined) {
    throw new DatasetError(
      "",
      "cifar10 has no default location: pass --data-dir with the folder holding data_batch_1.bin..data_batch_5.bin and test_batch.bin (the CIFAR-10 binary version, cifar-10-batches-bin)",
    );
  }
  const names = [...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE];
  const paths = names.map((name) => join(dataDir, name));
  const present = await Promise.all(paths.map(pathExists));
  const missing = names.filter((_, i) => !present[i]);
  if (missing.length > 0) {
    throw new DatasetError(dataDir, `cifar10: "${dataDir}" lacks ${missing.join(", ")}. ${CIFAR_FIX}`);
  }
  const read = async (path: string) => ({ path, bytes: await readDataFile(path, CIFAR_FIX) });
  const trainFiles = await Promise.all(paths.slice(0, 5).map(read));
  const train = decodeCifar10Batches(trainFiles, options.limit);
  const test = decodeCifar10Batches([await read(paths[5]!)], options.testLimit);
  return {
    info: {
      name: "cifar10",
      height: SIDE,
      width: SIDE,
      channels: 3,
      classNames: await readClassNames(dataDir),
      source: paths.join(", "),
    },
    train,
    test,
  };
}
