/** Fashion-MNIST (28×28 grey clothing images, 10 classes), read from gzipped IDX files. */
import type { Dataset } from "../formats/dataset.ts";
import { readIdxSplits } from "./idx-splits.ts";

/** Where Debian's `dataset-fashion-mnist` package installs the files. */
export const FASHION_MNIST_DEFAULT_DIR = "/usr/share/datasets/fashion-mnist";

/** Fashion-MNIST class names, index = label. */
export const FASHION_MNIST_CLASS_NAMES: readonly string[] = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
];

const FASHION_FIX =
  "Install it with `apt-get install dataset-fashion-mnist`, or pass --data-dir with a folder holding train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz (gzipped or not)";

/** Options of {@link loadFashionMnist}. */
export interface FashionMnistOptions {
  /** Folder with the four IDX files (gzipped or not). Default {@link FASHION_MNIST_DEFAULT_DIR}. */
  readonly dataDir?: string;
  /** Keep the first `limit` training images. Default: all 60000. */
  readonly limit?: number;
  /** Keep the first `testLimit` test images. Default: all 10000. */
  readonly testLimit?: number;
}

/**
 * Loads Fashion-MNIST: 60000 train and 10000 test images, 28×28×1, float32 in [0, 1].
 * @throws {DatasetError} naming the file and the fix when a file is missing or bad.
 */
export async function loadFashionMnist(options: FashionMnistOptions = {}): Promise<Dataset> {
  return readIdxSplits({
    name: "fashion-mnist",
    dataDir: options.dataDir ?? FASHION_MNIST_DEFAULT_DIR,
    classNames: FASHION_MNIST_CLASS_NAMES,
    fix: FASHION_FIX,
    limit: options.limit,
    testLimit: options.testLimit,
  });
}
