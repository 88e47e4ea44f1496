/**
 * Which CUDA the CUDA EP needs and which this machine has, for the probe's fix text: the
 * provider library names the CUDA runtime it was built against (`libcudart.so.12` inside
 * `libonnxruntime_providers_cuda.so`); the machine's runtimes are the `libcudart.so.<major>`
 * files the loader can find (ldconfig's cache, `LD_LIBRARY_PATH`); the driver's CUDA is in
 * nvidia-smi's banner. An H200 with CUDA 13 only could not load onnxruntime-node 1.30's
 * CUDA 12 provider: the fix must say 12 against 13, not "install CUDA".
 */
import { execFileSync } from "node:child_process";
import { existsSync, openSync, readSync, closeSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** The provider library of onnxruntime-node's CUDA EP, beside its binding. */
export function cudaProviderPath(ortBinDir: string): string {
  return join(ortBinDir, "libonnxruntime_providers_cuda.so");
}

/** The CUDA major a provider library links against (`libcudart.so.12` → 12), from its bytes; null when it names none. */
export function providerCudaMajor(bytes: Uint8Array | string): number | null {
  const text = typeof bytes === "string" ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  const m = /libcudart\.so\.(\d+)/.exec(text) ?? /libcublas\.so\.(\d+)/.exec(text);
  return m ? Number(m[1]) : null;
}

/** Reads a provider library's CUDA major without loading it (streamed: the file is hundreds of MB). */
export function readProviderCudaMajor(path: string): number | null {
  if (!existsSync(path)) return null;
  const fd = openSync(path, "r");
  try {
    const size = statSync(path).size;
    const chunk = Buffer.alloc(8 << 20);
    for (let pos = 0; pos < size; pos += chunk.length - 64) {
      const n = readSync(fd, chunk, 0, chunk.length, pos);
      const major = providerCudaMajor(chunk.subarray(0, n));
      if (major !== null) return major;
    }
    return null;
  } finally {
    closeSync(fd);
  }
}

/** CUDA runtime majors in ldconfig's output and the `LD_LIBRARY_PATH` folders' listings. */
export function runtimeMajors(ldconfig: string, ldLibraryFiles: readonly string[]): number[] {
  const majors = new Set<number>();
  for (const m of ldconfig.matchAll(/libcudart\.so\.(\d+)/g)) majors.add(Number(m[1]));
  for (const f of ldLibraryFiles) {
    const m = /^libcudart\.so\.(\d+)/.exec(f);
    if (m) majors.add(Number(m[1]));
  }
  return [...majors].sort((a, b) => a - b);
}

/** This machine's CUDA runtime majors (see {@link runtimeMajors}). */
export function machineRuntimeMajors(env: NodeJS.ProcessEnv = process.env): number[] {
  let ldconfig = "";
  try {
    ldconfig = execFileSync("ldconfig", ["-p"], { encoding: "utf8", timeout: 5000, stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    ldconfig = "";
  }
  const files = (env.LD_LIBRARY_PATH ?? "")
    .split(":")
    .filter(Boolean)
    .flatMap((d) => {
      try {
        return readdirSync(d);
      } catch {
        return [];
      }
    });
  return runtimeMajors(ldconfig, files);
}

/** What the probe knows when the CUDA EP does not start. */
export interface CudaFacts {
  /** Whether the provider library is beside onnxruntime-node. */
  readonly providerPresent: boolean;
  /** The CUDA major the provider needs (null: unknown or absent). */
  readonly providerMajor: number | null;
  /** CUDA runtime majors the loader can find. */
  readonly runtimeMajors: readonly number[];
  /** The driver's CUDA version from nvidia-smi (null: no driver). */
  readonly driverCuda: string | null;
}

/** The fix for a CUDA EP that did not start, naming the CUDA the provider needs and what the machine has. */
export function cudaFix(f: CudaFacts): string {
  if (f.driverCuda === null) {
    return "the CUDA EP needs an NVIDIA GPU and its driver (nvidia-smi does not answer here); on a machine with one, npm install sets the EP up (or npm run setup)";
  }
  if (!f.providerPresent) {
    return (
      "onnxruntime-node was installed without its CUDA EP: run `npm run setup` (downloads onnxruntime-node's CUDA 12 EP), " +
      "or `npm run setup -- --cuda-ep <dir>` with a folder holding libonnxruntime_providers_cuda.so of the same ONNX Runtime version"
    );
  }
  const need = f.providerMajor;
  const have = f.runtimeMajors.length > 0 ? f.runtimeMajors.map((m) => `CUDA ${m}`).join(", ") : "no CUDA runtime (libcudart.so.*) on the loader's path";
  if (need !== null && !f.runtimeMajors.includes(need)) {
    return (
      `the CUDA EP was built for CUDA ${need} (needs libcudart.so.${need}, cuBLAS and cuDNN 9 for CUDA ${need}); this machine has ${have} ` +
      `(driver supports CUDA ${f.driverCuda}). Install the CUDA ${need} runtime libraries (e.g. the nvidia-*-cu${need} Python wheels) and put their lib folders on ` +
      `LD_LIBRARY_PATH, or use an ONNX Runtime CUDA EP built for the CUDA you have (npm run setup -- --cuda-ep <dir>)`
    );
  }
  return `the CUDA EP (CUDA ${need ?? "?"}) found ${have}; check cuDNN 9 and cuBLAS for that CUDA are on LD_LIBRARY_PATH (driver supports CUDA ${f.driverCuda})`;
}
