/**
 * Wrapper around the wasm backend's `BatchMatMul` for its transposed forms. With
 * `transposeA` or `transposeB` set, the stock kernel leaves XNNPACK's fast path: the
 * Dense weight gradient xᵀ·dy ([1024,128]ᵀ·[128,120]) took 36 ms against 1.3 ms
 * untransposed, and a [800,8192]·[64,8192]ᵀ product 271 ms against 22 ms. This wrapper
 * transposes the flagged operand into a temporary with a blocked JS loop (about 2 ns per
 * element; the stock wasm `Transpose` takes about 19) and calls the stock kernel
 * untransposed. Untransposed calls go straight through.
 */
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { asWasm, callStock, input, makeFilled, transposeInto, type Info } from "./wasm-heap.ts";

/** Copies `t` (rank ≥ 2) with its last two axes swapped. */
function transposedCopy(backend: BackendWasm, t: Info): Info {
  const rank = t.shape.length;
  const rows = t.shape[rank - 2]!;
  const cols = t.shape[rank - 1]!;
  const batch = t.shape.slice(0, -2).reduce((p, d) => p * d, 1);
  return makeFilled(backend, [...t.shape.slice(0, -2), cols, rows], [t], (out, src) => transposeInto(src!, out, batch, rows, cols));
}

/** Builds the kernel config; `stock` is the wasm backend's own `BatchMatMul`. */
export function batchMatMulConfig(stock: tf.KernelConfig): tf.KernelConfig {
  return {
    ...stock,
    kernelFunc: (args) => {
      const backend = asWasm(args.backend);
      const attrs = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
      let a = input(args, "a");
      let b = input(args, "b");
      if ((!attrs.transposeA && !attrs.transposeB) || a.dtype !== "float32" || b.dtype !== "float32") {
        return callStock(stock, backend, args.inputs, args.attrs ?? {});
      }
      const temps: Info[] = [];
      try {
        if (attrs.transposeA) temps.push((a = transposedCopy(backend, a)));
        if (attrs.transposeB) temps.push((b = transposedCopy(backend, b)));
        return callStock(stock, backend, { a, b }, { transposeA: false, transposeB: false });
      } finally {
        for (const t of temps) backend.disposeData(t.dataId);
      }
    },
  };
}
