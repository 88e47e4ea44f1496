/**
 * A small generated dataset for tests and smoke runs: each class has its own pattern of
 * bright blobs (and, with 3 channels, its own colour); every image is its class pattern,
 * shifted by up to 1/8 of the image size, plus uniform noise. Seeded, so it repeats, and
 * learnable by a small CNN in a few epochs.
 */
import type { Dataset, ImageSet } from "../formats/dataset.ts";
import { seededRandom, type Random } from "../measure/index.ts";

/** Options of {@link generateSynthetic}; every field has a default. */
export interface SyntheticOptions {
  /** Training images. Default 1000. */
  readonly count?: number;
  /** Test images. Default 200. */
  readonly testCount?: number;
  /** Image height in pixels. Default 28. */
  readonly height?: number;
  /** Image width in pixels. Default 28. */
  readonly width?: number;
  /** Channels, 1 or 3. Default 1. */
  readonly channels?: 1 | 3;
  /** Number of classes, 2–256. Default 10. */
  readonly classes?: number;
  /** Seed of the patterns and the noise. Default 1. */
  readonly seed?: number;
}

/** Blobs per class pattern. */
const BLOBS = 3;
/** Peak amplitude of the uniform noise added to each value. */
const NOISE = 0.15;

interface ClassPattern {
  /** Blob centres and radii, in pixels: [y, x, r] per blob. */
  readonly blobs: readonly (readonly [number, number, number])[];
  /** Brightness per channel, in [0.4, 1]. */
  readonly colour: readonly number[];
}

function makePattern(random: Random, height: number, width: number, channels: number): ClassPattern {
  const r = Math.max(1, Math.min(height, width) / 7);
  const blobs: [number, number, number][] = [];
  for (let b = 0; b < BLOBS; b++) {
    blobs.push([r + random() * (height - 2 * r), r + random() * (width - 2 * r), r * (0.7 + 0.6 * random())]);
  }
  const colour: number[] = [];
  for (let c = 0; c < channels; c++) colour.push(0.4 + 0.6 * random());
  return { blobs, colour };
}

function render(pattern: ClassPattern, random: Random, height: number, width: number, channels: number, out: Float32Array, offset: number): void {
  const maxShift = Math.max(1, Math.floor(Math.min(height, width) / 8));
  const dy = Math.round((random() * 2 - 1) * maxShift);
  const dx = Math.round((random() * 2 - 1) * maxShift);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = 0;
      for (const [by, bx, br] of pattern.blobs) {
        const d2 = (y - by - dy) ** 2 + (x - bx - dx) ** 2;
        v = Math.max(v, Math.exp(-d2 / (2 * br * br)));
      }
      for (let c = 0; c < channels; c++) {
        const noisy = v * pattern.colour[c]! + (random() * 2 - 1) * NOISE;
        out[offset + (y * width + x) * channels + c] = Math.min(1, Math.max(0, noisy));
      }
    }
  }
}

function makeSet(count: number, patterns: readonly ClassPattern[], random: Random, height: number, width: number, channels: number): ImageSet {
  const size = height * width * channels;
  const images = new Float32Array(count * size);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const label = Math.floor(random() * patterns.length);
    labels[i] = label;
    render(patterns[label]!, random, height, width, channels, images, i * size);
  }
  return { images, labels, count };
}

function checkPositiveInt(value: number, name: string, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`Invalid synthetic ${name} ${value}: expected a whole number in ${min}..${max}`);
  }
}

/**
 * Generates the synthetic dataset; the same options give the same images.
 * @throws {RangeError} on a count, size or class number out of range.
 */
export function generateSynthetic(options: SyntheticOptions = {}): Dataset {
  const count = options.count ?? 1000;
  const testCount = options.testCount ?? 200;
  const height = options.height ?? 28;
  const width = options.width ?? 28;
  const channels = options.channels ?? 1;
  const classes = options.classes ?? 10;
  const seed = options.seed ?? 1;
  checkPositiveInt(count, "count", 0, 1_000_000);
  checkPositiveInt(testCount, "testCount", 0, 1_000_000);
  checkPositiveInt(height, "height", 4, 1024);
  checkPositiveInt(width, "width", 4, 1024);
  checkPositiveInt(classes, "classes", 2, 256);
  if (channels !== 1 && channels !== 3) {
    throw new RangeError(`Invalid synthetic channels ${String(channels)}: expected 1 or 3`);
  }
  const random = seededRandom(seed);
  const patterns: ClassPattern[] = [];
  for (let k = 0; k < classes; k++) patterns.push(makePattern(random, height, width, channels));
  const train = makeSet(count, patterns, random, height, width, channels);
  const test = makeSet(testCount, patterns, random, height, width, channels);
  return {
    info: {
      name: "synthetic",
      height,
      width,
      channels,
      classNames: patterns.map((_, k) => `class-${k}`),
      source: `synthetic (seed ${seed}, ${classes} blob patterns)`,
    },
    train,
    test,
  };
}
