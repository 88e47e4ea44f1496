/**
 * The dataset contract: every reader (MNIST, Fashion-MNIST, CIFAR-10, image folder,
 * synthetic) returns this shape, and the training loop, the exporter's parity check and
 * the profiler's accuracy measurement consume it.
 */

/** A set of labelled images held in memory, normalised to [0, 1]. */
export interface ImageSet {
  /** Pixels, NHWC order, float32 in [0, 1]; length = count × height × width × channels. */
  readonly images: Float32Array;
  /** Class index per image (0-based); length = count. */
  readonly labels: Uint8Array;
  /** Number of images. */
  readonly count: number;
}

/** Shape and meaning of a dataset's images, shared by its splits. */
export interface DatasetInfo {
  /** Dataset name as the CLI knows it, e.g. `mnist`, `fashion-mnist`, `cifar10`. */
  readonly name: string;
  /** Image height in pixels. */
  readonly height: number;
  /** Image width in pixels. */
  readonly width: number;
  /** Channels per pixel (1 grey, 3 RGB). */
  readonly channels: number;
  /** Class names, index = label. */
  readonly classNames: readonly string[];
  /** Where the data was read from (file paths or package), for the run record. */
  readonly source: string;
}

/** A dataset as loaded: its train and test splits. */
export interface Dataset {
  readonly info: DatasetInfo;
  readonly train: ImageSet;
  readonly test: ImageSet;
}

/** Number of float values in one image of `info`. */
export function imageSize(info: Pick<DatasetInfo, "height" | "width" | "channels">): number {
  return info.height * info.width * info.channels;
}
