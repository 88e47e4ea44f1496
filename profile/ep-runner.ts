/**
 * The contract of one execution-provider runner: every EP the profiler can measure
 * (onnxruntime-node's cpu, cuda and webgpu today; the browser's wasm and webgpu later)
 * implements this one interface and registers in one table (`ep-registry.ts`).
 */
import type { InferenceSession } from "onnxruntime-node";

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
   * Module the child process imports to obtain this runner, so an EP can live outside the
   * registry (a plugin): an absolute path or `file:` URL of a module (TypeScript is fine,
   * children run under tsx) whose default export is an `EpRunner` of the same {@link name}.
   * The child then probes and measures with that runner (its {@link sessionOptions},
   * {@link createSession}, {@link probe}) instead of the built-in one of that name. It is
   * read each time a child starts. Default: the child's own table of built-in EPs.
   */
  readonly childModule?: string;
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
  /** Session options that select this EP (merged over the profiler's own options; unused by browser runners). */
  sessionOptions(): InferenceSession.SessionOptions;
  /**
   * Creates each onnxruntime-node session in the measuring child, with the profiler's
   * options merged over {@link sessionOptions} (unused by browser runners). Default:
   * `InferenceSession.create(path, options)`; an EP that must prepare first (register a
   * custom-op library, load a model it rewrote) overrides it.
   */
  createSession?(path: string, options: InferenceSession.SessionOptions): Promise<InferenceSession>;
  /**
   * Turns a session-creation error into a reason and a fix when the error means "this
   * EP cannot start here" (the row becomes `skipped`); undefined for a genuine failure.
   */
  explainStartFailure?(error: Error): { reason: string; fix: string } | undefined;
}
