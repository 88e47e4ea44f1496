/**
 * The contract of one execution-provider runner: every EP the profiler can measure
 * (onnxruntime-node's cpu, cuda and webgpu today; the browser's wasm and webgpu later)
 * implements this one interface and registers in one table (`ep-registry.ts`).
 */
import type { InferenceSession } from "onnxruntime-node";

/** Facts about an available EP, recorded in `results.json` (all values strings). */
export type EpFacts = Readonly<Record<string, string>>;

/** What a probe found: the EP can run (with facts), or it cannot (with reason and fix). */
export type EpProbe =
  | { readonly available: true; readonly facts: EpFacts }
  | { readonly available: false; readonly reason: string; readonly fix: string };

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
  /** Session options that select this EP (merged over the profiler's own options; unused by browser runners). */
  sessionOptions(): InferenceSession.SessionOptions;
  /**
   * Turns a session-creation error into a reason and a fix when the error means "this
   * EP cannot start here" (the row becomes `skipped`); undefined for a genuine failure.
   */
  explainStartFailure?(error: Error): { reason: string; fix: string } | undefined;
}
