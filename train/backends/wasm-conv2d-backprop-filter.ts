/**
 * `Conv2DBackpropFilter` for the wasm backend, which has none (tfjs issue 8474), so
 * Conv2D training fails there without it.
 *
 * Formulation: one im2col and one matrix product. With x: [N, H, W, Cin] and
 * dy: [N, Ho, Wo, Cout], the filter gradient is
 * `dW[(a, b, ci), co] = Σ_(n, i, j) x[n, i·s + a − padTop, j·s + b − padLeft, ci] · dy[n, i, j, co]`,
 * i.e. `dW = Pᵀ · dy` with P the [N·Ho·Wo, fh·fw·Cin] patch matrix. Pᵀ is written
 * directly (a JS loop on the wasm heap, zeros where the window hangs over the padding)
 * and multiplied by dy, seen as [N·Ho·Wo, Cout] without a copy, with the stock wasm
 * `BatchMatMul` (XNNPACK) in its untransposed form: its transposed forms run a slow
 * path (about 12× slower here).
 *
 * Measured in a LeNet training step at batch 128 on this 2-core machine (quiet): second
 * conv (x [128,12,12,32], dy [128,8,8,64]) about 42 ms (im2col about 18, product about
 * 22), where the dilated-Conv2D-over-transposed-tensors formulation took about 34 ms;
 * first conv (x [128,28,28,1]) about 17 ms (im2col 3, product 14: XNNPACK packs the
 * fresh dy operand each call) against 33 ms.
 */
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { asWasm, callStock, heapF32, input, reshaped, type Info } from "./wasm-heap.ts";

/** Attributes of the `Conv2DBackpropFilter` kernel (tfjs-core's `Conv2DBackpropFilterAttrs`). */
interface FilterGradAttrs {
  strides: number | [number, number];
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
  filterShape: [number, number, number, number];
}

/**
 * Writes the transposed patch matrix Pᵀ ([fh·fw·Cin, N·Ho·Wo], row-major) of `x` into
 * `out`. Rows are (a, b, ci), columns (n, i, j); windows hanging over the padding give 0.
 */
export function im2colTransposed(x: Float32Array, out: Float32Array, info: tf.backend_util.Conv2DInfo): void {
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: Ho, outWidth: Wo } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  const cols = N * Ho * Wo;
  const xStepJ = sw * C;
  for (let a = 0; a < fh; a++) {
    for (let b = 0; b < fw; b++) {
      // Output columns j whose input column j·sw + b − pl lies inside [0, W).
      const jLo = Math.max(0, Math.ceil((pl - b) / sw));
      const jHi = Math.min(Wo, Math.floor((W - 1 + pl - b) / sw) + 1);
      for (let ci = 0; ci < C; ci++) {
        let w = ((a * fw + b) * C + ci) * cols;
        for (let n = 0; n < N; n++) {
          for (let i = 0; i < Ho; i++) {
            const iy = i * sh + a - pt;
            if (iy < 0 || iy >= H || jHi <= jLo) {
              out.fill(0, w, w + Wo);
              w += Wo;
              continue;
            }
            for (let j = 0; j < jLo; j++) out[w++] = 0;
            let r = ((n * H + iy) * W + (jLo * sw + b - pl)) * C + ci;
            for (let j = jLo; j < jHi; j++) {
              out[w++] = x[r]!;
              r += xStepJ;
            }
            for (let j = jHi; j < Wo; j++) out[w++] = 0;
          }
        }
      }
    }
  }
}

/** Builds the kernel config; `stockMatMul` is the wasm backend's own `BatchMatMul`. */
export function conv2dBackpropFilterConfig(stockMatMul: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: tf.Conv2DBackpropFilter,
    backendName: "wasm",
    kernelFunc: (args) => {
      const backend: BackendWasm = asWasm(args.backend);
      const x = input(args, "x");
      const dy = input(args, "dy");
      const attrs = args.attrs as unknown as FilterGradAttrs;
      if (attrs.dataFormat === "NCHW") {
        throw new Error('wasm Conv2DBackpropFilter supports dataFormat "NHWC" only, got "NCHW"');
      }
      const info = tf.backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number],
        attrs.filterShape,
        attrs.strides,
        1,
        attrs.pad,
        attrs.dimRoundingMode,
      );
      const rows = info.filterHeight * info.filterWidth * info.inChannels;
      const cols = info.batchSize * info.outHeight * info.outWidth;
      const patches: Info = backend.makeOutput([1, rows, cols], "float32");
      try {
        im2colTransposed(heapF32(backend, x), heapF32(backend, patches), info);
        const dW = callStock(stockMatMul, backend, { a: patches, b: reshaped(dy, [1, cols, info.outChannels]) }, { transposeA: false, transposeB: false });
        return reshaped(dW, [...attrs.filterShape]);
      } finally {
        backend.disposeData(patches.dataId);
      }
    },
  };
}
