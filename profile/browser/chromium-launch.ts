/**
 * Launching Debian's headless Chromium with playwright-core (never a downloaded browser):
 * where it is, the flags per EP, and the reason/fix when it is missing.
 */
import { existsSync } from "node:fs";
import type { Browser } from "playwright-core";

/** Default Chromium binary (Debian's `chromium` package). */
export const DEFAULT_CHROMIUM = "/usr/bin/chromium";

/** The Chromium binary: `HARNESS_CHROMIUM` when set, else {@link DEFAULT_CHROMIUM}. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.HARNESS_CHROMIUM || DEFAULT_CHROMIUM;
}

/** Fix printed when Chromium is missing. */
export const CHROMIUM_FIX = "apt-get install chromium (Debian's package), or set HARNESS_CHROMIUM to a Chromium or Chrome binary";

/** Reason text when no Chromium is at `path`. */
export function chromiumMissingReason(path: string): string {
  return `Chromium not found at ${path}`;
}

/** Which browser EP a launch is for. */
export type BrowserEpKind = "wasm" | "webgpu";

const COMMON_FLAGS = [
  "--headless=new",
  "--no-sandbox",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-extensions",
  "--disable-default-apps",
  "--mute-audio",
];

/**
 * Flags per EP. WebGPU: `--enable-unsafe-webgpu` gives a SwiftShader (CPU Vulkan) adapter
 * in headless Chromium on Linux; wasm: `--disable-gpu` (no GPU process work needed).
 */
export function chromiumFlags(kind: BrowserEpKind): string[] {
  return kind === "webgpu"
    ? [...COMMON_FLAGS, "--enable-unsafe-webgpu", "--enable-features=Vulkan", "--use-angle=swiftshader", "--ignore-gpu-blocklist"]
    : [...COMMON_FLAGS, "--disable-gpu"];
}

/** A launched browser (playwright gives it a fresh temporary profile dir and removes it on close). */
export interface LaunchedBrowser {
  readonly browser: Browser;
  readonly version: string;
  close(): Promise<void>;
}

/**
 * Launches Chromium for `kind` within `timeoutMs` (ms), with a fresh temporary profile.
 * Throws with {@link chromiumMissingReason} when the binary is absent.
 */
export async function launchChromium(kind: BrowserEpKind, timeoutMs: number, executablePath = chromiumPath()): Promise<LaunchedBrowser> {
  if (!existsSync(executablePath)) throw new Error(chromiumMissingReason(executablePath));
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath, args: chromiumFlags(kind), timeout: timeoutMs, handleSIGINT: false });
  return { browser, version: browser.version(), close: () => browser.close().catch(() => undefined) };
}
