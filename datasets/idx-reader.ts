/**
 * Reader for IDX files (the MNIST format): a big-endian header — magic number
 * `0x000008NN` (0x08 = unsigned bytes, NN = number of dimensions), then one uint32 per
 * dimension — followed by the data. Gzipped files (1f 8b magic) are gunzipped first.
 */
import type { ImageSet } from "../formats/dataset.ts";
import { DatasetError, gunzipIfNeeded, readDataFile } from "./data-files.ts";
import { bytesToUnitFloats } from "./unit-floats.ts";

/** Magic number of an IDX file of unsigned-byte images (3 dimensions: count, rows, columns). */
export const IDX_IMAGES_MAGIC = 0x00000803;
/** Magic number of an IDX file of unsigned-byte labels (1 dimension: count). */
export const IDX_LABELS_MAGIC = 0x00000801;

/** Images parsed from an IDX file, pixels still as bytes. */
export interface IdxImages {
  /** Number of images. */
  readonly count: number;
  /** Rows per image, in pixels. */
  readonly height: number;
  /** Columns per image, in pixels. */
  readonly width: number;
  /** Pixel bytes 0–255, row-major, `count × height × width` values (a view, not a copy). */
  readonly pixels: Uint8Array;
}

function hex(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, "0")}`;
}

/** Parses the header and checks magic and size; returns dims and the data view. */
function parseIdx(file: Buffer, path: string, magic: number, what: "images" | "labels"): { dims: number[]; data: Uint8Array } {
  const { data: bytes, gzipped } = gunzipIfNeeded(file, path);
  const after = gzipped ? " after gunzip" : "";
  const ndims = magic & 0xff;
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < 4) {
    throw new DatasetError(path, `"${path}": too short for an IDX file: expected at least ${headerBytes} header bytes, found ${bytes.length}${after}`);
  }
  const found = bytes.readUInt32BE(0);
  if (found !== magic) {
    throw new DatasetError(
      path,
      `"${path}": wrong IDX magic number ${hex(found)}, expected ${hex(magic)} (${what}). Check that this is an IDX ${what} file (e.g. train-${what}-idx${ndims}-ubyte)`,
    );
  }
  if (bytes.length < headerBytes) {
    throw new DatasetError(
      path,
      `"${path}": truncated IDX file: expected at least ${headerBytes} header bytes, found ${bytes.length}${after}. Re-download or re-install the file`,
    );
  }
  const dims: number[] = [];
  for (let d = 0; d < ndims; d++) dims.push(bytes.readUInt32BE(4 + 4 * d));
  const dataBytes = dims.reduce((a, b) => a * b, 1);
  const expected = headerBytes + dataBytes;
  const layout = `${headerBytes}-byte header + ${dims.join(" × ")}`;
  if (bytes.length < expected) {
    throw new DatasetError(
      path,
      `"${path}": truncated IDX file: expected ${expected} bytes (${layout}), found ${bytes.length}${after}. Re-download or re-install the file`,
    );
  }
  if (bytes.length > expected) {
    throw new DatasetError(
      path,
      `"${path}": IDX file too long: expected ${expected} bytes (${layout}), found ${bytes.length}${after}. The header does not match the data`,
    );
  }
  return { dims, data: bytes.subarray(headerBytes, expected) };
}

/**
 * Parses an IDX images file (magic 0x00000803), plain or gzipped.
 * @param file The whole file's bytes.
 * @param path Used in error messages.
 * @throws {DatasetError} on a wrong magic number or a size that does not match the header.
 */
export function parseIdxImages(file: Buffer, path: string): IdxImages {
  const { dims, data } = parseIdx(file, path, IDX_IMAGES_MAGIC, "images");
  const [count, height, width] = dims as [number, number, number];
  return { count, height, width, pixels: data };
}

/**
 * Parses an IDX labels file (magic 0x00000801), plain or gzipped.
 * @returns One label byte per image (a view, not a copy).
 * @throws {DatasetError} on a wrong magic number or a size that does not match the header.
 */
export function parseIdxLabels(file: Buffer, path: string): Uint8Array {
  return parseIdx(file, path, IDX_LABELS_MAGIC, "labels").data;
}

/** Paths and checks for {@link readIdxImageSet}. */
export interface IdxPairOptions {
  /** IDX images file (plain or .gz). */
  readonly imagesPath: string;
  /** IDX labels file (plain or .gz). */
  readonly labelsPath: string;
  /** Labels must be below this (e.g. 10). */
  readonly classCount: number;
  /** Keep only the first `limit` images (default: all). */
  readonly limit?: number;
  /** How to get the files, appended to a file-not-found error. */
  readonly fix: string;
}

/** An {@link ImageSet} read from IDX files, with the image size. */
export interface IdxImageSet extends ImageSet {
  /** Image height in pixels. */
  readonly height: number;
  /** Image width in pixels. */
  readonly width: number;
}

/**
 * Reads an IDX images file and its labels file into an {@link ImageSet} (one channel,
 * float32 in [0, 1]), converting only the first `limit` images.
 * @throws {DatasetError} naming the file on a missing or bad file, a count mismatch, or a
 *   label outside `0..classCount-1`.
 */
export async function readIdxImageSet(options: IdxPairOptions): Promise<IdxImageSet> {
  const { imagesPath, labelsPath, classCount, fix } = options;
  const [imageFile, labelFile] = await Promise.all([readDataFile(imagesPath, fix), readDataFile(labelsPath, fix)]);
  const idx = parseIdxImages(imageFile, imagesPath);
  const allLabels = parseIdxLabels(labelFile, labelsPath);
  if (allLabels.length !== idx.count) {
    throw new DatasetError(
      labelsPath,
      `"${imagesPath}" holds ${idx.count} images but "${labelsPath}" holds ${allLabels.length} labels; use the images and labels files of the same split`,
    );
  }
  const count = Math.min(idx.count, options.limit ?? idx.count);
  const labels = allLabels.slice(0, count);
  for (let i = 0; i < count; i++) {
    if (labels[i]! >= classCount) {
      throw new DatasetError(labelsPath, `"${labelsPath}": label ${labels[i]} at index ${i} is outside 0..${classCount - 1}`);
    }
  }
  const size = idx.height * idx.width;
  const images = new Float32Array(count * size);
  bytesToUnitFloats(idx.pixels.subarray(0, count * size), images);
  return { images, labels, count, height: idx.height, width: idx.width };
}
