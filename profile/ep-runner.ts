/**
 * The contract of one execution-provider runner: every EP the profiler can measure
 * (onnxruntime-node's cpu, cuda and webgpu; onnxruntime-web's wasm and webgpu in Chromium)
 * implements this one interface and registers in one table (`ep-registry.ts`): its name,
 * how it is probed and in which environment, and how a measuring child opens it.
 */
import type { EpSessionHost, HostRequest } from "./ep-session.ts";

/** Facts about an available EP, recorded in `results.json` (all values strings). */
export type EpFacts = Readonly<Record<string, string>>;

/** What a probe found: the EP can run (with facts), or it cannot (with reason and fix). */
export type EpProbe = { readonly available: true; readonly facts: EpFacts } | { readonly available: false; readonly reason: string; readonly fix: string };

/** One environment an EP can be probed and run with, and a label saying what it is. */
export interface ProbeEnv {
  /** What serves the EP with this environment, e.g. `SwiftShader (CPU Vulkan driver from chromium)`. */
  readonly label: string;
  readonly env: Readonly<Record<string, string>>;
}

/** One execution provider the profiler can run models on. */
export interface EpRunner {
  /** EP name as typed after `--eps`, e.g. `cpu`. */
  readonly name: string;
  /** Name shown in tables when it differs from {@link name}, e.g. `wasm (browser)`. */
  readonly label?: string;
  /**
   * Entry script of the child process that probes and measures this EP, speaking the
   * child protocol (`child-protocol.ts`). Default: `child-main.ts` (onnxruntime-node).
   * The browser EPs set `browser/browser-child.ts`, which drives onnxruntime-web in Chromium.
   */
  readonly childScript?: string;
  /**
   * Environment variables the measuring child process needs (e.g. a Vulkan ICD for
   * WebGPU). Applied when the child starts; native loaders read them only at start-up.
   */
  childEnv(): Readonly<Record<string, string>>;
  /**
   * Checks whether the EP can start here. Runs inside a child process with
   * {@link childEnv} applied, so a crashing driver cannot take the run down.
   */
  probe(): Promise<EpProbe>;
  /**
   * Environments to probe in turn when the EP can start in more than one way (WebGPU: the
   * system's Vulkan drivers, then SwiftShader). The first that probes available serves the
   * whole run: its label is recorded in the EP facts as `served` (with `fallbackFrom` naming
   * what failed before it) and {@link adopt} is called. Default: one probe with {@link childEnv}.
   */
  probeEnvs?(): readonly ProbeEnv[];
  /**
   * Makes {@link childEnv} return the environment that served the probe whose facts these
   * are (after probing, and on `--resume` with the facts stored in the plan).
   */
  adopt?(facts: EpFacts): void;
  /**
   * Opens this EP in a measuring child (with {@link childEnv} applied): the host that opens
   * each model as an `EpSession` (`ep-session.ts`). onnxruntime-node's EPs return a
   * `NodeSessionHost` (`node-session.ts`); the browser EPs a page (`browser/browser-ep-session.ts`).
   * A test fixture wraps a host to inject faults.
   */
  openHost(request: HostRequest): Promise<EpSessionHost>;
}
