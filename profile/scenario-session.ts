/**
 * The sessions a scenario child (and each of its worker threads) times: created by the EP's
 * onnxruntime-node host as the paired pass creates its timed sessions (no spinning,
 * the variant's intra-op threads), its feeds built once, and one request as a {@link LoadTarget}.
 */
import type * as ort from "onnxruntime-node";
import type { LoadTarget } from "../measure/index.ts";
import type { BatchFeeds, PairedVariant } from "./child-protocol.ts";
import { buildFeeds } from "./input-tensors.ts";
import type { NodeSessionHost } from "./node-session.ts";

/** One precision's session with its feeds per batch. */
export interface ScenarioSession {
  readonly name: string;
  readonly session: ort.InferenceSession;
  /** `intraOpNumThreads` it was created with (0 = ORT's default). */
  readonly intraOpThreads: number;
  /** Feeds per batch index (null where this precision cannot take that batch). */
  readonly feeds: readonly (Record<string, ort.Tensor> | null)[];
}

/** Creates `variant`'s session as the paired pass would; rejects with `EpCannotStart` when the EP cannot start here. */
export async function openScenarioSession(variant: PairedVariant, host: NodeSessionHost): Promise<ScenarioSession> {
  const session = await host.createOrt(variant.onnxPath, {
    timed: true,
    ...(variant.intraOpThreads !== undefined ? { intraOpThreads: variant.intraOpThreads } : {}),
  });
  const feeds = variant.feeds.map((f: BatchFeeds) => (f.inputs.length > 0 ? buildFeeds(f) : null));
  return { name: variant.name, session, intraOpThreads: variant.intraOpThreads ?? 0, feeds };
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
