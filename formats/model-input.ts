/**
 * What a model's input wants and how dataset images become it: resized (bilinear, half-pixel
 * centres, as TensorFlow 2's `tf.image.resize`), grey repeated to RGB when the model takes 3
 * channels, then value = raw × scale + offset, raw being the 0..255 pixel. One function
 * does this for training, evaluation, export and the profiler, so all four feed the model the
 * same numbers.
 */

/** Image shape [height, width, channels], pixels. */
export type ImageShape = readonly [number, number, number];

/** The model's input: its image shape and pixel preprocessing. */
export interface ModelInput {
  /** Input image shape the model takes [height, width, channels]. */
  readonly shape: ImageShape;
  /** Multiplier of the raw 0..255 pixel, e.g. 1/255 for [0, 1], 2/255 for [-1, 1]. */
  readonly scale: number;
  /** Added after scaling, e.g. 0 for [0, 1], −1 for [-1, 1]. */
  readonly offset: number;
}

/** Named pixel preprocessings `--preprocess` takes. */
export const PREPROCESSINGS = {
  /** x / 255 → [0, 1]: what every lab CNN trains on. */
  unit: { scale: 1 / 255, offset: 0 },
  /** x / 127.5 − 1 → [-1, 1]: Keras's `mobilenet_v2.preprocess_input`, what ImageNet MobileNetV2 weights expect. */
  symmetric: { scale: 2 / 255, offset: -1 },
} as const satisfies Record<string, { scale: number; offset: number }>;

/** A `--preprocess` name. */
export type PreprocessName = keyof typeof PREPROCESSINGS;

/** `--preprocess` names. */
export const PREPROCESS_NAMES = Object.keys(PREPROCESSINGS) as PreprocessName[];

/** True when images of shape `from` reach a model taking `to` unchanged apart from scale. */
export function sameShape(from: ImageShape, to: ImageShape): boolean {
  return from[0] === to[0] && from[1] === to[1] && from[2] === to[2];
}

/**
 * Checks that images of shape `from` can feed a model taking `to`: any size resizes, channels
 * must match or go from 1 (grey) to 3 (repeated).
 * @throws {Error} naming both shapes.
 */
export function checkConvertible(from: ImageShape, to: ImageShape): void {
  if (from[2] !== to[2] && !(from[2] === 1 && to[2] === 3)) {
    throw new Error(`Images of ${from.join("x")} cannot feed a model taking ${to.join("x")}: channels must match or go from 1 (grey, repeated) to 3`);
  }
}

/**
 * Writes `n` images of `src` (NHWC, [0, 1], shape `from`) into `out` as the model wants them
 * (NHWC, shape `input.shape`, value = pixel × 255 × scale + offset).
 * @param out Room for at least n × h × w × c floats of the model's shape.
 */
export function toModelInput(src: Float32Array, n: number, from: ImageShape, input: ModelInput, out: Float32Array): void {
  const [sh, sw, sc] = from;
  const [h, w, c] = input.shape;
  const k = 255 * input.scale;
  const b = input.offset;
  const srcPer = sh * sw * sc;
  const per = h * w * c;
  if (sameShape(from, input.shape)) {
    for (let i = 0; i < n * per; i++) out[i] = src[i]! * k + b;
    return;
  }
  checkConvertible(from, input.shape);
  const ys = axisTaps(sh, h);
  const xs = axisTaps(sw, w);
  for (let i = 0; i < n; i++) {
    const s0 = i * srcPer;
    const d0 = i * per;
    for (let y = 0; y < h; y++) {
      const y0 = ys.lo[y]! * sw;
      const y1 = ys.hi[y]! * sw;
      const fy = ys.frac[y]!;
      for (let x = 0; x < w; x++) {
        const x0 = xs.lo[x]!;
        const x1 = xs.hi[x]!;
        const fx = xs.frac[x]!;
        for (let z = 0; z < c; z++) {
          const zc = sc === 1 ? 0 : z;
          const tl = src[s0 + (y0 + x0) * sc + zc]!;
          const tr = src[s0 + (y0 + x1) * sc + zc]!;
          const bl = src[s0 + (y1 + x0) * sc + zc]!;
          const br = src[s0 + (y1 + x1) * sc + zc]!;
          const top = tl + (tr - tl) * fx;
          const bottom = bl + (br - bl) * fx;
          out[d0 + (y * w + x) * c + z] = (top + (bottom - top) * fy) * k + b;
        }
      }
    }
  }
}

/** Source taps of each output position along one axis (half-pixel centres, edges clamped). */
function axisTaps(inSize: number, outSize: number): { lo: Int32Array; hi: Int32Array; frac: Float32Array } {
  const lo = new Int32Array(outSize);
  const hi = new Int32Array(outSize);
  const frac = new Float32Array(outSize);
  const scale = inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    const at = (o + 0.5) * scale - 0.5;
    const f = Math.floor(at);
    lo[o] = Math.min(inSize - 1, Math.max(0, f));
    hi[o] = Math.min(inSize - 1, Math.max(0, f + 1));
    frac[o] = at - f;
  }
  return { lo, hi, frac };
}
