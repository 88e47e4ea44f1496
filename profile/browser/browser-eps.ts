/**
 * The browser EPs: onnxruntime-web's WASM (SIMD + threads) and WebGPU backends in Debian's
 * headless Chromium. They implement the same {@link EpRunner} contract as the
 * onnxruntime-node EPs, but probe and measure in their own child script
 * (`browser-child.ts`), which drives a page over a loopback server.
 */
import { fileURLToPath } from "node:url";
import type { EpRunner } from "../ep-runner.ts";
import { probeBrowserEp } from "./browser-probe.ts";
import type { PageRequestHandler } from "./page-server.ts";
import { epDisplayName } from "../../formats/ep-display-name.ts";

/** A browser EP's runner: an {@link EpRunner}, with what the browser child can take besides. */
export interface BrowserEpRunner extends EpRunner {
  /**
   * Requests of the measuring sessions' page that the runner answers itself, before the
   * page server's routes (its own assets, or a page held back; `probe()` runs as it is).
   * Reaches the browser child through {@link EpRunner.childModule}.
   */
  readonly pageRequest?: PageRequestHandler;
}

/** Entry script of the browser EPs' child process. */
export const BROWSER_CHILD_SCRIPT = fileURLToPath(new URL("./browser-child.ts", import.meta.url));

/** The runner of onnxruntime-web backend `kind` in headless Chromium (`--eps browser-<kind>`). */
function browserEp(kind: "wasm" | "webgpu"): BrowserEpRunner {
  return {
    name: `browser-${kind}`,
    label: epDisplayName(`browser-${kind}`),
    childScript: BROWSER_CHILD_SCRIPT,
    childEnv: () => ({}),
    sessionOptions: () => ({}),
    probe: () => probeBrowserEp(kind),
  };
}

/** onnxruntime-web's WASM backend in headless Chromium (`--eps browser-wasm`). */
export const browserWasmEp: BrowserEpRunner = browserEp("wasm");

/** onnxruntime-web's WebGPU backend in headless Chromium (`--eps browser-webgpu`). */
export const browserWebgpuEp: BrowserEpRunner = browserEp("webgpu");

/** The browser EPs, in table order. */
export const browserEpRunners: readonly BrowserEpRunner[] = [browserWasmEp, browserWebgpuEp];
