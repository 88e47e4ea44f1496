/** Public exports of the dataset readers; `loadDataset` picks a reader by name. */
import type { Dataset } from "../formats/dataset.ts";
import { loadCifar10 } from "./cifar10.ts";
import { loadFashionMnist } from "./fashion-mnist.ts";
import { loadImageFolder } from "./image-folder.ts";
import { checkCount, DEFAULT_SEED, type LoadDatasetOptions } from "./load-options.ts";
import { loadMnist } from "./mnist.ts";
import { generateSynthetic } from "./synthetic.ts";
import { takeFirst } from "./image-set-ops.ts";

export type { Dataset, DatasetInfo, ImageSet } from "../formats/dataset.ts";
export { imageSize } from "../formats/dataset.ts";
export {
  PREPROCESSINGS,
  PREPROCESS_NAMES,
  checkConvertible,
  sameShape,
  toModelInput,
  type ImageShape,
  type ModelInput,
  type PreprocessName,
} from "../formats/model-input.ts";
export type { LoadDatasetOptions } from "./load-options.ts";
export { DatasetError } from "./data-files.ts";
export { sliceSet, takeBatch, takeFirst, validationSplit, valuesPerImage, type BatchBuffer } from "./image-set-ops.ts";
export { MNIST_CLASS_NAMES, loadMnist, mnistDataDir } from "./mnist.ts";
export { FASHION_MNIST_CLASS_NAMES, FASHION_MNIST_DEFAULT_DIR, loadFashionMnist } from "./fashion-mnist.ts";
export { CIFAR10_CLASS_NAMES, decodeCifar10Batches, loadCifar10 } from "./cifar10.ts";
export { IMAGE_EXTENSIONS, loadImageFolder } from "./image-folder.ts";
export { generateSynthetic } from "./synthetic.ts";
export { parseIdxImages, parseIdxLabels, readIdxImageSet } from "./idx-reader.ts";

import { DATASET_NAMES, type DatasetName } from "../formats/enums.ts";

export { DATASET_NAMES, type DatasetName };

/**
 * Image shape [height, width, channels] of each dataset as its reader returns it by default
 * (an image folder: 32x32 RGB unless resized), for building a model without loading data.
 */
export const DATASET_IMAGE_SHAPES: Readonly<Record<DatasetName, readonly [number, number, number]>> = {
  mnist: [28, 28, 1],
  "fashion-mnist": [28, 28, 1],
  cifar10: [32, 32, 3],
  folder: [32, 32, 3],
  synthetic: [28, 28, 1],
};

/** True when `name` is one of {@link DATASET_NAMES}. */
export function isDatasetName(name: string): name is DatasetName {
  return (DATASET_NAMES as readonly string[]).includes(name);
}

/**
 * Loads the dataset named by a string read from a file or a message (harness metadata,
 * a job, results.json): checks the name, then {@link loadDataset}. The one place that does;
 * profile's children and reports/ call it (through this file: it loads no TensorFlow.js).
 * @throws {Error} `Unknown dataset "mnistt". Expected one of: mnist, fashion-mnist, cifar10, folder, synthetic`
 */
export async function loadNamedDataset(name: string, options: LoadDatasetOptions = {}): Promise<Dataset> {
  if (!isDatasetName(name)) throw new Error(`Unknown dataset "${name}". Expected one of: ${DATASET_NAMES.join(", ")}`);
  return loadDataset(name, options);
}

/**
 * Loads the dataset called `name`: train and test splits, float32 NHWC in [0, 1].
 * `limit` / `testLimit` keep the first images of each split.
 * @throws {Error} `Unknown dataset "mnistt". Expected one of: mnist, fashion-mnist, cifar10, folder, synthetic`
 * @throws {DatasetError} naming the file and the fix when data is missing or bad.
 */
export async function loadDataset(name: DatasetName, options: LoadDatasetOptions = {}): Promise<Dataset> {
  checkCount(options.limit, "limit");
  checkCount(options.testLimit, "testLimit");
  const { dataDir, limit, testLimit } = options;
  switch (name) {
    case "mnist":
      return loadMnist({ dataDir, limit, testLimit });
    case "fashion-mnist":
      return loadFashionMnist({ dataDir, limit, testLimit });
    case "cifar10":
      return loadCifar10({ dataDir, limit, testLimit });
    case "folder":
      if (dataDir === undefined) {
        throw new Error(
          "The folder dataset has no default location: pass --data-dir with a folder that has one subfolder per class holding .jpg, .jpeg, .png or .webp images",
        );
      }
      return loadImageFolder({ ...options, dataDir, seed: options.seed ?? DEFAULT_SEED });
    case "synthetic": {
      const set = generateSynthetic({ ...options, seed: options.seed ?? DEFAULT_SEED });
      return { info: set.info, train: takeFirst(set.train, limit), test: takeFirst(set.test, testLimit) };
    }
    default:
      throw new Error(`Unknown dataset "${String(name)}". Expected one of: ${DATASET_NAMES.join(", ")}`);
  }
}
