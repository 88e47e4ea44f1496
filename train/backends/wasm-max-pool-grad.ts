/**
 * Replacement `MaxPoolGrad` for the wasm backend. The stock kernel visits every input
 * pixel and searches the windows that cover it: about 40 ms for LeNet's first pool at
 * batch 128 (x [128,24,24,32]), 17 ns per input element.
 *
 * This one walks the output positions instead: for each window it finds the first
 * maximum per channel (strict `>` in row-major window order, the cpu backend's rule, so
 * ties and overlapping windows give the cpu backend's gradient) and adds dy there. The
 * channel loop is innermost, so x and dx are read and written contiguously. Measured:
 * about 10 ms for the shape above (a 2×2 special case with the compares unrolled was not
 * faster: unpredictable branches dominate).
 */
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { asWasm, heapF32, input } from "./wasm-heap.ts";

/** Attributes of the `MaxPoolGrad` kernel (tfjs-core's `MaxPoolGradAttrs`). */
interface MaxPoolGradAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: "floor" | "round" | "ceil";
}

/** Scatters `dy` into `dx` (zeroed first) at each window's first maximum of `x`. */
export function maxPoolGradInto(x: Float32Array, dy: Float32Array, dx: Float32Array, info: tf.backend_util.Conv2DInfo): void {
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: Ho, outWidth: Wo } = info;
  const fh = info.effectiveFilterHeight;
  const fw = info.effectiveFilterWidth;
  const { strideHeight: sh, strideWidth: sw } = info;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  const best = new Float32Array(C);
  const where = new Int32Array(C);
  dx.fill(0);
  let o = 0;
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < Ho; i++) {
      const y0 = i * sh - pt;
      const yLo = Math.max(0, y0);
      const yHi = Math.min(H, y0 + fh);
      for (let j = 0; j < Wo; j++, o += C) {
        const x0 = j * sw - pl;
        const xLo = Math.max(0, x0);
        const xHi = Math.min(W, x0 + fw);
        best.fill(-Infinity);
        where.fill(-1);
        for (let y = yLo; y < yHi; y++) {
          for (let xx = xLo; xx < xHi; xx++) {
            const p = ((n * H + y) * W + xx) * C;
            for (let c = 0; c < C; c++) {
              const v = x[p + c]!;
              if (v > best[c]!) {
                best[c] = v;
                where[c] = p + c;
              }
            }
          }
        }
        for (let c = 0; c < C; c++) {
          const at = where[c]!;
          if (at >= 0) dx[at]! += dy[o + c]!;
        }
      }
    }
  }
}

/** The kernel config (needs no stock kernel). */
export function maxPoolGradConfig(): tf.KernelConfig {
  return {
    kernelName: tf.MaxPoolGrad,
    backendName: "wasm",
    kernelFunc: (args) => {
      const backend: BackendWasm = asWasm(args.backend);
      const dy = input(args, "dy");
      const x = input(args, "input");
      const attrs = args.attrs as unknown as MaxPoolGradAttrs;
      const info = tf.backend_util.computePool2DInfo(
        x.shape as [number, number, number, number],
        attrs.filterSize,
        attrs.strides,
        1,
        attrs.pad,
        attrs.dimRoundingMode,
      );
      const dx = backend.makeOutput([...x.shape], x.dtype);
      maxPoolGradInto(heapF32(backend, x), heapF32(backend, dy), heapF32(backend, dx), info);
      return dx;
    },
  };
}
