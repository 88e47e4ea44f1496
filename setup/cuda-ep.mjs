#!/usr/bin/env node
/* global process, console */
// The CUDA EP of onnxruntime-node, set up from the README's own `npm install` (this is the
// project's postinstall) or by hand (`npm run setup -- --cuda-ep <dir>`). onnxruntime-node
// bundles the CPU and WebGPU EPs; its CUDA EP (libonnxruntime_providers_cuda.so, CUDA 12) is
// a separate download that the project's .npmrc skips, so an offline install never fails.
// Here, in order:
//   1. ONNX_LAB_CUDA_EP=skip, or the provider already beside onnxruntime-node: nothing to do.
//   2. --cuda-ep <dir> or ORT_CUDA_EP_DIR=<dir>: copy libonnxruntime_providers_{cuda,shared}.so
//      from a folder you have (another install, a NuGet/pip package of the same ORT version).
//   3. No NVIDIA GPU (nvidia-smi absent or listing none): one line, nothing downloaded.
//   4. Else run onnxruntime-node's own install script for cuda12; if it cannot (no internet),
//      one line with the fix. Never a failed `npm install`.
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const ortDir = join(root, "node_modules", "onnxruntime-node");
const binDir = join(ortDir, "bin", "napi-v6", process.platform, process.arch);
const PROVIDERS = ["libonnxruntime_providers_cuda.so", "libonnxruntime_providers_shared.so"];
const say = (line) => console.log(`cuda-ep: ${line}`);

function argDir() {
  const i = process.argv.indexOf("--cuda-ep");
  if (i >= 0) {
    const dir = process.argv[i + 1];
    if (!dir) {
      console.error("cuda-ep: --cuda-ep needs a folder holding libonnxruntime_providers_cuda.so, e.g. npm run setup -- --cuda-ep /opt/ort/lib");
      process.exit(2);
    }
    return dir;
  }
  return process.env.ORT_CUDA_EP_DIR;
}

function main() {
  if (process.platform !== "linux" || !existsSync(ortDir)) return;
  const from = argDir();
  if (from) {
    const missing = PROVIDERS.filter((f) => !existsSync(join(from, f)));
    if (missing.length > 0) {
      const has = existsSync(from)
        ? readdirSync(from)
            .filter((f) => f.startsWith("libonnxruntime"))
            .join(", ") || "no libonnxruntime* files"
        : "the folder does not exist";
      console.error(
        `cuda-ep: ${from} lacks ${missing.join(" and ")} (${has}); give the folder of an ONNX Runtime CUDA build of the same version as onnxruntime-node`,
      );
      process.exit(process.argv.includes("--cuda-ep") ? 2 : 0);
    }
    for (const f of PROVIDERS) copyFileSync(join(from, f), join(binDir, f));
    say(`copied ${PROVIDERS.join(", ")} from ${from} into ${binDir}`);
    return;
  }
  if (process.env.ONNX_LAB_CUDA_EP === "skip") return say("skipped (ONNX_LAB_CUDA_EP=skip)");
  if (existsSync(join(binDir, PROVIDERS[0]))) return say(`present in ${binDir}`);
  let gpus = "";
  try {
    gpus = execFileSync("nvidia-smi", ["-L"], { encoding: "utf8", timeout: 10000, stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    gpus = "";
  }
  if (!gpus) return say("no NVIDIA GPU here (nvidia-smi absent or lists none): the CUDA EP is not installed; the CPU and WebGPU EPs are bundled");
  say(`${gpus.split("\n")[0]}: installing onnxruntime-node's CUDA 12 EP (its install script downloads it)`);
  const r = spawnSync(process.execPath, [join(ortDir, "script", "install.js"), "--onnxruntime-node-install=cuda12"], {
    cwd: ortDir,
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: "cuda12", npm_config_onnxruntime_node_install: "cuda12" },
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 15 * 60 * 1000,
    encoding: "utf8",
  });
  if (r.status === 0 && existsSync(join(binDir, PROVIDERS[0]))) return say(`installed in ${binDir}`);
  const why = `${r.stderr || r.stdout || r.error?.message || ""}`.trim().split("\n").filter(Boolean).pop() ?? `exit ${r.status}`;
  say(
    `could not install the CUDA EP (${why}). The run will list CUDA as skipped with the fix. With internet later: npm run setup; ` +
      `with the provider libraries on disk: npm run setup -- --cuda-ep <dir>`,
  );
}

main();
