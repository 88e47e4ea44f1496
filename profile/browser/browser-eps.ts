/**
 * The browser EPs: onnxruntime-web's WASM (SIMD + threads) and WebGPU backends in Debian's
 * headless Chromium. They implement the same {@link EpRunner} contract as the
 * onnxruntime-node EPs, but probe and measure in their own child script
 * (`browser-child.ts`), which drives a page over a loopback server.
 */
import { fileURLToPath } from "node:url";
import type { EpRunner } from "../ep-runner.ts";
import { probeBrowserEp } from "./browser-probe.ts";
import { BrowserSessionHost } from "./browser-ep-session.ts";
import { epDisplayName } from "../../formats/ep-display-name.ts";

/** Entry script of the browser EPs' child process. */
export const BROWSER_CHILD_SCRIPT = fileURLToPath(new URL("./browser-child.ts", import.meta.url));

/** The runner of onnxruntime-web backend `kind` in headless Chromium (`--eps browser-<kind>`). */
function browserEp(kind: "wasm" | "webgpu"): EpRunner {
  return {
    name: `browser-${kind}`,
    label: epDisplayName(`browser-${kind}`),
    childScript: BROWSER_CHILD_SCRIPT,
    childEnv: () => ({}),
    openHost: (request) => BrowserSessionHost.open(kind, request),
    probe: () => probeBrowserEp(kind),
  };
}

/** onnxruntime-web's WASM backend in headless Chromium (`--eps browser-wasm`). */
export const browserWasmEp: EpRunner = browserEp("wasm");

/** onnxruntime-web's WebGPU backend in headless Chromium (`--eps browser-webgpu`). */
export const browserWebgpuEp: EpRunner = browserEp("webgpu");

/** The browser EPs, in table order. */
export const browserEpRunners: readonly EpRunner[] = [browserWasmEp, browserWebgpuEp];
