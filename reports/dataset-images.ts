/**
 * Pictures of the data as lab 3 shows it: sample images of every class (one row per class)
 * and a predictions strip, each test image framed green when predicted right and red when
 * wrong, its caption saying true vs predicted. PNGs via sharp; grey or RGB [0, 1] images.
 */
import sharp from "sharp";
import type { ImageSet } from "../formats/dataset.ts";

/** RGB bytes of a picture, row-major. */
interface Canvas {
  readonly width: number;
  readonly height: number;
  readonly rgb: Uint8Array;
}

/** Green frame: predicted right. */
const RIGHT: readonly [number, number, number] = [0, 160, 0];
/** Red frame: predicted wrong. */
const WRONG: readonly [number, number, number] = [220, 0, 0];

/** Draws image `index` of `set` (shape `shape`) at (ox, oy), `scale`× nearest-neighbour, inside a `border`-px frame of `frame`. */
function draw(
  c: Canvas,
  set: ImageSet,
  index: number,
  shape: readonly [number, number, number],
  ox: number,
  oy: number,
  scale: number,
  border: number,
  frame: readonly [number, number, number] | null,
): void {
  const [h, w, ch] = shape;
  const per = h * w * ch;
  const size = [w * scale + 2 * border, h * scale + 2 * border];
  for (let y = 0; y < size[1]!; y++) {
    for (let x = 0; x < size[0]!; x++) {
      const o = ((oy + y) * c.width + ox + x) * 3;
      const inside = x >= border && y >= border && x < size[0]! - border && y < size[1]! - border;
      if (!inside) {
        if (frame) for (let k = 0; k < 3; k++) c.rgb[o + k] = frame[k]!;
        continue;
      }
      const p = index * per + (Math.floor((y - border) / scale) * w + Math.floor((x - border) / scale)) * ch;
      for (let k = 0; k < 3; k++) c.rgb[o + k] = Math.round(255 * Math.min(1, Math.max(0, set.images[p + (ch >= 3 ? k : 0)] ?? 0)));
    }
  }
}

function canvas(width: number, height: number): Canvas {
  return { width, height, rgb: new Uint8Array(width * height * 3).fill(255) };
}

async function toPng(c: Canvas): Promise<Buffer> {
  return sharp(Buffer.from(c.rgb), { raw: { width: c.width, height: c.height, channels: 3 } })
    .png()
    .toBuffer();
}

/**
 * The first `perClass` images of every class of `set`, one row per class (row k = class k);
 * a class with fewer images leaves its row short.
 * @returns the PNG and, per row, how many images it shows.
 */
export async function samplesPerClass(
  set: ImageSet,
  shape: readonly [number, number, number],
  classes: number,
  perClass = 5,
): Promise<{ png: Buffer; shown: number[] }> {
  const picked: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < set.count; i++) {
    const row = picked[set.labels[i] ?? 0];
    if (row && row.length < perClass) row.push(i);
  }
  const scale = Math.max(1, Math.round(56 / Math.max(shape[0], shape[1])));
  const gap = 3;
  const cw = shape[1] * scale + gap;
  const chh = shape[0] * scale + gap;
  const c = canvas(perClass * cw + gap, classes * chh + gap);
  picked.forEach((row, k) => row.forEach((index, j) => draw(c, set, index, shape, gap + j * cw, gap + k * chh, scale, 0, null)));
  return { png: await toPng(c), shown: picked.map((r) => r.length) };
}

/**
 * Test images `0 .. predicted.length-1` of `set` in a row, each framed green (right) or red
 * (wrong), as lab 3's `display_predictions`.
 * @returns the PNG and the number of wrong predictions.
 */
export async function predictionsStrip(
  set: ImageSet,
  shape: readonly [number, number, number],
  predicted: ArrayLike<number>,
): Promise<{ png: Buffer; wrong: number }> {
  const n = predicted.length;
  const scale = Math.max(1, Math.round(84 / Math.max(shape[0], shape[1])));
  const border = 4;
  const gap = 6;
  const cw = shape[1] * scale + 2 * border + gap;
  const c = canvas(n * cw + gap, shape[0] * scale + 2 * border + 2 * gap);
  let wrong = 0;
  for (let i = 0; i < n; i++) {
    const right = predicted[i] === set.labels[i];
    if (!right) wrong++;
    draw(c, set, i, shape, gap + i * cw, gap, scale, border, right ? RIGHT : WRONG);
  }
  return { png: await toPng(c), wrong };
}
