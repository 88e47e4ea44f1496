/** Reads the four standard MNIST-layout IDX files (train/t10k images/labels) of a folder. */
import { join } from "node:path";
import type { Dataset } from "../formats/dataset.ts";
import { DatasetError, pathExists } from "./data-files.ts";
import { readIdxImageSet } from "./idx-reader.ts";

/** The four file names of the MNIST layout, without a `.gz` suffix. */
export const IDX_FILE_NAMES = {
  trainImages: "train-images-idx3-ubyte",
  trainLabels: "train-labels-idx1-ubyte",
  testImages: "t10k-images-idx3-ubyte",
  testLabels: "t10k-labels-idx1-ubyte",
} as const;

/** What {@link readIdxSplits} needs. */
export interface IdxSplitsOptions {
  /** Dataset name for {@link DatasetInfo.name}. */
  readonly name: string;
  /** Folder holding the files, each plain or with a `.gz` suffix. */
  readonly dataDir: string;
  /** Class names, index = label. */
  readonly classNames: readonly string[];
  /** How to get the files, appended to errors about missing files. */
  readonly fix: string;
  /** Keep the first `limit` training images. Default: all. */
  readonly limit?: number | undefined;
  /** Keep the first `testLimit` test images. Default: all. */
  readonly testLimit?: number | undefined;
}

/** Path of `dir/base`, else `dir/base.gz`, else null. */
async function findIdxFile(dir: string, base: string): Promise<string | null> {
  for (const name of [base, `${base}.gz`]) {
    const path = join(dir, name);
    if (await pathExists(path)) return path;
  }
  return null;
}

/**
 * Loads the train and test splits of a folder in the MNIST file layout.
 * @throws {DatasetError} listing every missing file, or naming a bad one.
 */
export async function readIdxSplits(options: IdxSplitsOptions): Promise<Dataset> {
  const { dataDir, fix } = options;
  if (!(await pathExists(dataDir))) {
    throw new DatasetError(dataDir, `${options.name}: data folder "${dataDir}" not found. ${fix}`);
  }
  const names = Object.values(IDX_FILE_NAMES);
  const found = await Promise.all(names.map((base) => findIdxFile(dataDir, base)));
  const missing = names.filter((_, i) => found[i] === null);
  if (missing.length > 0) {
    throw new DatasetError(dataDir, `${options.name}: "${dataDir}" lacks ${missing.map((m) => `${m}[.gz]`).join(", ")}. ${fix}`);
  }
  const [trainImages, trainLabels, testImages, testLabels] = found as [string, string, string, string];
  const classCount = options.classNames.length;
  const train = await readIdxImageSet({
    imagesPath: trainImages,
    labelsPath: trainLabels,
    classCount,
    limit: options.limit,
    fix,
  });
  const test = await readIdxImageSet({
    imagesPath: testImages,
    labelsPath: testLabels,
    classCount,
    limit: options.testLimit,
    fix,
  });
  if (test.height !== train.height || test.width !== train.width) {
    throw new DatasetError(
      testImages,
      `"${testImages}" holds ${test.height}×${test.width} images but "${trainImages}" holds ${train.height}×${train.width}; both splits must have one image size`,
    );
  }
  return {
    info: {
      name: options.name,
      height: train.height,
      width: train.width,
      channels: 1,
      classNames: options.classNames,
      source: [trainImages, trainLabels, testImages, testLabels].join(", "),
    },
    train: { images: train.images, labels: train.labels, count: train.count },
    test: { images: test.images, labels: test.labels, count: test.count },
  };
}
