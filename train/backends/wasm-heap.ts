/**
 * Helpers for kernels that run on the wasm backend's heap from JavaScript: allocate an
 * output, view a tensor's memory as a Float32Array, call a stock kernel directly (not
 * through the engine, so it neither shows as a separate entry in `tf.profile` nor pays
 * the engine's bookkeeping), and transpose a matrix in JS (the stock wasm `Transpose`
 * runs at about 19 ns per element, a blocked JS loop at about 2).
 */
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

/** Shape and identity of a tensor as kernels see it (tfjs's `TensorInfo`). */
export type Info = tf.TensorInfo;

/** The inputs, attributes and backend a wasm kernel receives. */
export interface WasmKernelArgs {
  readonly inputs: tf.NamedTensorInfoMap;
  readonly attrs?: tf.NamedAttrMap;
  readonly backend: BackendWasm;
}

/** Narrows the engine's backend to the wasm backend's class (the kernels run only there). */
export function asWasm(backend: unknown): BackendWasm {
  return backend as BackendWasm;
}

/** A required input of a kernel call, or a clear error naming it. */
export function input(args: { inputs: tf.NamedTensorInfoMap }, name: string): Info {
  const t = args.inputs[name];
  if (!t) throw new Error(`kernel input "${name}" is missing`);
  return t;
}

/** A float32 view on the wasm heap of `info`'s data (invalidated when the heap grows: re-take it after any allocation). */
export function heapF32(backend: BackendWasm, info: Info): Float32Array {
  return backend.typedArrayFromHeap(info) as Float32Array;
}

/** The same data under another shape; no copy, no new data id (callers must not dispose it). */
export function reshaped(info: Info, shape: number[]): Info {
  return { dataId: info.dataId, shape, dtype: info.dtype };
}

/**
 * Calls the stock wasm kernel `kernelFunc` directly with the given backend. The caller
 * owns the returned data and must dispose it (`backend.disposeData`) unless it is the
 * kernel's own output.
 */
export function callStock(kernel: tf.KernelConfig, backend: BackendWasm, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap): Info {
  const out = kernel.kernelFunc({ inputs, attrs, backend: backend as unknown as tf.KernelBackend });
  if (Array.isArray(out)) throw new Error(`stock kernel ${kernel.kernelName} returned several outputs`);
  return out as Info;
}

/** Block edge of the JS transpose, in elements (32 × 32 floats = 4 KiB per block side). */
const BLOCK = 32;

/**
 * Transposes `batch` row-major `rows × cols` matrices from `src` into `dst`
 * (`cols × rows` each), in cache-sized blocks.
 */
export function transposeInto(src: Float32Array, dst: Float32Array, batch: number, rows: number, cols: number): void {
  const size = rows * cols;
  for (let b = 0; b < batch; b++) {
    const base = b * size;
    for (let r0 = 0; r0 < rows; r0 += BLOCK) {
      const r1 = Math.min(rows, r0 + BLOCK);
      for (let c0 = 0; c0 < cols; c0 += BLOCK) {
        const c1 = Math.min(cols, c0 + BLOCK);
        for (let r = r0; r < r1; r++) {
          const s = base + r * cols;
          for (let c = c0; c < c1; c++) dst[base + c * rows + r] = src[s + c]!;
        }
      }
    }
  }
}

/**
 * Allocates a float32 output on the wasm heap, fills it with `fill` (a callback that
 * receives the heap views of `sources` and of the new output, taken after the
 * allocation) and returns it.
 */
export function makeFilled(backend: BackendWasm, shape: number[], sources: readonly Info[], fill: (out: Float32Array, ...src: Float32Array[]) => void): Info {
  const out = backend.makeOutput(shape, "float32");
  const views = sources.map((s) => heapF32(backend, s));
  fill(heapF32(backend, out), ...views);
  return out;
}
