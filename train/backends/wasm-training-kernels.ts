/**
 * Installs the wasm backend's training kernels: the missing `Conv2DBackpropFilter` (and
 * cpu fallbacks for the missing depthwise gradients, wasm-cpu-fallback.ts), and
 * faster replacements for `Conv2DBackpropInput`, `MaxPoolGrad` and the transposed forms
 * of `BatchMatMul` (each file documents its formulation and measured speed-up). Nothing
 * happens at import: the wasm backend's loader calls {@link installWasmTrainingKernels}.
 */
import * as tf from "@tensorflow/tfjs";
import { batchMatMulConfig } from "./wasm-batch-mat-mul.ts";
import { conv2dBackpropFilterConfig } from "./wasm-conv2d-backprop-filter.ts";
import { conv2dBackpropInputConfig } from "./wasm-conv2d-backprop-input.ts";
import { maxPoolGradConfig } from "./wasm-max-pool-grad.ts";
import { WASM_CPU_FALLBACK_KERNELS, cpuFallbackKernel } from "./wasm-cpu-fallback.ts";

/** Which kernels to install: `all` (default), or only the `missing` Conv2DBackpropFilter (stock speed elsewhere, for comparisons). */
export type WasmKernelSet = "all" | "missing";

/** The wasm backend's own kernels this module replaced (`undefined`: there was none), saved on first replacement. */
const stockKernels = new Map<string, tf.KernelConfig | undefined>();

/** Kernel names the wasm training kernels register, in `installWasmTrainingKernels("all")`. */
export const WASM_TRAINING_KERNELS: readonly string[] = [tf.Conv2DBackpropFilter, tf.Conv2DBackpropInput, tf.MaxPoolGrad, tf.BatchMatMul];

function stock(kernelName: string): tf.KernelConfig | undefined {
  return stockKernels.has(kernelName) ? stockKernels.get(kernelName) : tf.getKernel(kernelName, "wasm");
}

/**
 * Registers `config` in place of the stock kernel. The stock kernel's `setupFunc` (which
 * binds its wasm function) is kept on the replacement, so the wasm backend still runs it
 * at initialisation and the stock kernel works again after {@link restoreStockWasmKernels}.
 */
function replace(config: tf.KernelConfig): void {
  const name = config.kernelName;
  if (!stockKernels.has(name)) stockKernels.set(name, tf.getKernel(name, "wasm"));
  const setupFunc = config.setupFunc ?? stockKernels.get(name)?.setupFunc;
  if (tf.getKernel(name, "wasm")) tf.unregisterKernel(name, "wasm");
  tf.registerKernel(setupFunc ? { ...config, setupFunc } : config);
}

/**
 * Registers the training kernels for backend `wasm`. Idempotent; call after
 * `@tensorflow/tfjs-backend-wasm` has been imported (it registers the stock kernels) and
 * preferably before `tf.setBackend("wasm")`. Throws if the wasm backend's kernels are not
 * registered.
 */
export function installWasmTrainingKernels(set: WasmKernelSet = "all"): void {
  const stockMatMul = stock(tf.BatchMatMul);
  if (!stockMatMul) {
    throw new Error("the wasm backend's kernels are not registered: import @tensorflow/tfjs-backend-wasm first");
  }
  restoreStockWasmKernels();
  replace(conv2dBackpropFilterConfig(stockMatMul));
  // Kernels wasm lacks with no fast formulation here yet (depthwise gradients): the cpu backend's, on copies.
  for (const name of WASM_CPU_FALLBACK_KERNELS) if (!stock(name)) replace(cpuFallbackKernel(name));
  if (set === "missing") return;
  replace(conv2dBackpropInputConfig(stockMatMul));
  replace(maxPoolGradConfig());
  replace(batchMatMulConfig(stockMatMul));
}

/** Puts back the wasm backend's own kernels (and removes the added Conv2DBackpropFilter). */
export function restoreStockWasmKernels(): void {
  // An initialised backend ran the setup of the kernels registered at that time only.
  const backend = tf.findBackend("wasm");
  for (const [name, config] of stockKernels) {
    if (tf.getKernel(name, "wasm")) tf.unregisterKernel(name, "wasm");
    if (!config) continue;
    tf.registerKernel(config);
    if (backend && config.setupFunc) config.setupFunc(backend);
  }
  stockKernels.clear();
}
