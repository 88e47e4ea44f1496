/**
 * The sessions a scenario child (and each of its worker threads) times: the EP's runner and
 * session options as the paired child uses them (`TIMED_SESSION_OPTIONS`, the variant's
 * intra-op threads), its feeds built once, and one request as a {@link LoadTarget}.
 */
import * as ort from "onnxruntime-node";
import type { LoadTarget } from "../measure/index.ts";
import type { BatchFeeds, PairedVariant } from "./child-protocol.ts";
import { childRunner } from "./child-runtime.ts";
import { defaultEpRegistry } from "./ep-registry.ts";
import type { EpRunner } from "./ep-runner.ts";
import { buildFeeds } from "./input-tensors.ts";
import { TIMED_SESSION_OPTIONS } from "./measure-latency.ts";

/** The runner of an EP job (built in, or its `childModule`). */
export function scenarioRunner(job: { readonly ep: string; readonly childModule?: string }): Promise<EpRunner> {
  return childRunner(job, defaultEpRegistry().runners);
}

/** One precision's session with its feeds per batch. */
export interface ScenarioSession {
  readonly name: string;
  readonly session: ort.InferenceSession;
  /** `intraOpNumThreads` it was created with (0 = ORT's default). */
  readonly intraOpThreads: number;
  /** Feeds per batch index (null where this precision cannot take that batch). */
  readonly feeds: readonly (Record<string, ort.Tensor> | null)[];
}

/** Creates `variant`'s session as the paired child would. */
export async function openScenarioSession(variant: PairedVariant, runner: EpRunner): Promise<ScenarioSession> {
  const options: ort.InferenceSession.SessionOptions = {
    ...runner.sessionOptions(),
    logSeverityLevel: 3,
    ...TIMED_SESSION_OPTIONS,
    ...(variant.intraOpThreads !== undefined ? { intraOpNumThreads: variant.intraOpThreads } : {}),
  };
  const session = runner.createSession ? await runner.createSession(variant.onnxPath, options) : await ort.InferenceSession.create(variant.onnxPath, options);
  const feeds = variant.feeds.map((f: BatchFeeds) => (f.inputs.length > 0 ? buildFeeds(f) : null));
  return { name: variant.name, session, intraOpThreads: options.intraOpNumThreads ?? 0, feeds };
}

/** One request = one `run` of the session on the batch's feeds. */
export function sessionTarget(s: ScenarioSession, batchIndex: number): LoadTarget {
  const feeds = s.feeds[batchIndex];
  if (!feeds) throw new Error(`${s.name} has no feeds at this batch`);
  return {
    run: async () => {
      const out = await s.session.run(feeds);
      for (const t of Object.values(out)) t.dispose();
    },
  };
}

/** Runs `target` back to back for `ms` (at least `runs` times): warms caches and arenas before timing. */
export async function warmUp(target: LoadTarget, ms: number, runs = 3): Promise<void> {
  const t0 = performance.now();
  for (let i = 0; i < runs || performance.now() - t0 < ms; i++) await target.run();
}
