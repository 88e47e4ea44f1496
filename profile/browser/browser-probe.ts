/**
 * Probing a browser EP: launch Chromium, load the page, (WebGPU) request an adapter,
 * create an onnxruntime-web session on the one-node probe model and run it once. Every
 * failure becomes `available: false` with a reason and a fix.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EpFacts, EpProbe } from "../ep-runner.ts";
import { probeModel } from "../eps/ort-probe.ts";
import { BrowserSession, type AdapterInfo, type BrowserSessionOptions } from "./browser-session.ts";
import { CHROMIUM_FIX, chromiumMissingReason, chromiumPath, type BrowserEpKind } from "./chromium-launch.ts";

/** Fix printed when the browser has no WebGPU adapter. */
export const BROWSER_WEBGPU_FIX =
  "launch Chromium with --enable-unsafe-webgpu (the harness does); with no GPU, Debian's chromium package " +
  "provides SwiftShader's Vulkan adapter; with a GPU, install its Vulkan driver (mesa-vulkan-drivers or NVIDIA's)";

/** Fix printed when the measuring page fails. */
export const BROWSER_PAGE_FIX = "check that Chromium starts headless (chromium --headless=new --no-sandbox about:blank); run with DEBUG=1 for details";

/** A browser start-up failure as reason and fix: Chromium missing, or anything else. */
export function explainBrowserFailure(error: Error, executablePath = chromiumPath()): { reason: string; fix: string } {
  if (error.message === chromiumMissingReason(executablePath)) return { reason: error.message, fix: CHROMIUM_FIX };
  return { reason: `the browser could not start: ${error.message.split("\n")[0]}`, fix: BROWSER_PAGE_FIX };
}

/** EP facts of a WebGPU adapter; `software` is "yes" for SwiftShader or a fallback adapter. */
export function adapterFacts(info: Extract<AdapterInfo, { ok: true }>): EpFacts {
  const swiftshader = /swiftshader/i.test(`${info.vendor} ${info.architecture} ${info.description}`);
  return {
    adapterVendor: info.vendor,
    adapterArchitecture: info.architecture,
    adapterDevice: info.device,
    adapterDescription: info.description,
    isFallbackAdapter: info.isFallbackAdapter,
    softwareFallback: swiftshader || info.isFallbackAdapter === "true" ? "yes" : "no",
  };
}

/** Opens a session for `kind` on `modelPath`; for WebGPU also checks the adapter. */
export async function openChecked(
  kind: BrowserEpKind,
  options: Omit<BrowserSessionOptions, "kind">,
): Promise<{ session: BrowserSession; facts: EpFacts } | { reason: string; fix: string }> {
  let session: BrowserSession;
  try {
    session = await BrowserSession.open({ kind, ...options });
  } catch (e) {
    return explainBrowserFailure(e as Error, options.executablePath);
  }
  const facts: Record<string, string> = { browser: `Chromium ${session.browserVersion}`, ...session.facts };
  if (kind === "wasm") facts.simd = "yes";
  if (kind === "webgpu") {
    const info = await session.adapter().catch((e: unknown) => ({ ok: false as const, why: (e as Error).message }));
    if (!info.ok) {
      await session.close();
      return { reason: `no WebGPU adapter in Chromium: ${info.why}`, fix: BROWSER_WEBGPU_FIX };
    }
    Object.assign(facts, adapterFacts(info));
  }
  return { session, facts };
}

/** Probes the browser EP `kind` (runs in the browser child process). */
export async function probeBrowserEp(kind: BrowserEpKind): Promise<EpProbe> {
  const dir = await mkdtemp(join(tmpdir(), "browser-probe-"));
  try {
    const modelPath = join(dir, "probe.onnx");
    await writeFile(modelPath, probeModel());
    const opened = await openChecked(kind, { modelPath });
    if ("reason" in opened) return { available: false, ...opened };
    try {
      await opened.session.createSession();
      await opened.session.loadFeeds({ batch: 1, inputs: [{ name: "x", shape: [1, 4], elemType: 1 }] });
      await opened.session.timedRun(1);
    } catch (e) {
      return {
        available: false,
        reason: `onnxruntime-web (${kind}) failed to run the probe model: ${(e as Error).message.split("\n")[0]}`,
        fix: BROWSER_PAGE_FIX,
      };
    } finally {
      await opened.session.close();
    }
    return { available: true, facts: opened.facts };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
