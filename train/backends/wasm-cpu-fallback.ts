/**
 * Kernels the wasm backend lacks for training, borrowed from the cpu backend: the inputs
 * are copied off the wasm heap into cpu tensors, the cpu kernel runs, and its output is
 * copied back. Slower than a native wasm kernel, but exact, and only used where tfjs's
 * wasm backend has nothing (the depthwise convolution gradients MobileNetV2 needs).
 */
import * as tf from "@tensorflow/tfjs";
import { asWasm } from "./wasm-heap.ts";

/** Kernels that get a cpu fallback on wasm when wasm has none. */
export const WASM_CPU_FALLBACK_KERNELS: readonly string[] = ["DepthwiseConv2dNativeBackpropFilter", "DepthwiseConv2dNativeBackpropInput"];

/** A wasm kernel config that runs the cpu backend's `kernelName` kernel on copies of the data. */
export function cpuFallbackKernel(kernelName: string): tf.KernelConfig {
  return {
    kernelName,
    backendName: "wasm",
    kernelFunc: ({ inputs, attrs, backend }) => {
      const cpuKernel = tf.getKernel(kernelName, "cpu");
      const cpu = tf.findBackend("cpu");
      if (!cpuKernel || !cpu) throw new Error(`No cpu kernel "${kernelName}" to fall back on from wasm`);
      const wasm = asWasm(backend);
      const cpuInputs: tf.NamedTensorInfoMap = {};
      for (const [name, info] of Object.entries(inputs)) {
        if (!info) continue;
        const values = wasm.readSync(info.dataId) as tf.backend_util.BackendValues;
        cpuInputs[name] = { dataId: cpu.write(values, info.shape, info.dtype), shape: info.shape, dtype: info.dtype };
      }
      try {
        const out = cpuKernel.kernelFunc({ inputs: cpuInputs, attrs, backend: cpu });
        if (Array.isArray(out)) throw new Error(`cpu kernel "${kernelName}" returned several outputs`);
        const values = cpu.readSync(out.dataId) as Float32Array | Int32Array;
        cpu.disposeData(out.dataId);
        const result = wasm.makeOutput(out.shape, out.dtype);
        (wasm.typedArrayFromHeap(result) as Float32Array | Int32Array).set(values);
        return result;
      } finally {
        for (const info of Object.values(cpuInputs)) if (info) cpu.disposeData(info.dataId);
      }
    },
  };
}
