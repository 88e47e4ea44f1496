/**
 * The {@link EpSession} seam over onnxruntime-node (the cpu, cuda and webgpu EPs): one
 * host per measuring child, one `InferenceSession` per opened model. Session options are
 * the EP's own, at log level 3, with the intra-op pool not spinning on timed sessions
 * (built by `ort/`'s `ortSessionOptions`); on the CPU EP a timed session's intra-op pool is
 * read back (never recorded as 0).
 */
import { cpus } from "node:os";
import { join } from "node:path";
import type * as ort from "onnxruntime-node";
import { evaluateAccuracy } from "./accuracy.ts";
import type { BatchFeeds } from "./child-protocol.ts";
import { ortDefaultIntraOpThreads, readCpuTopology, type OrtDefaultThreads } from "./cpu-topology.ts";
import { EpCannotStart, type EpSession, type EpSessionHost, type HostRequest, type PredictRequest, type SessionSettings } from "./ep-session.ts";
import { buildFeeds } from "./input-tensors.ts";
import { intraOpThreadsOf } from "./intra-op-threads.ts";
import { parseOrtTrace, type OpProfile } from "./op-profile.ts";
import { readBackOrtDefaultThreads, warmUpOrtThreads, withPoolReadBack } from "./ort-thread-readback.ts";
import { ownPeakRssMiB } from "./process-rss.ts";
import { openOrtSession, ortSessionOptions, readOrtTrace } from "../ort/index.ts";
import { ensureOutputDir } from "../formats/output-dir.ts";

/** How an onnxruntime-node EP is selected and how its start-up failures read. */
export interface NodeEpSpec {
  /** The EP's name (`cpu`, `cuda`, `webgpu`). */
  readonly name: string;
  /** Session options that select the EP, e.g. `{ executionProviders: ["cuda"] }`. */
  readonly options: ort.InferenceSession.SessionOptions;
  /** Turns a session-creation error into a reason and a fix when it means "this EP cannot start here"; undefined for a genuine failure. */
  readonly explainStartFailure?: (error: Error) => { reason: string; fix: string } | undefined;
  /** Whether the sessions' memory lives on a GPU that nvidia-smi may report. */
  readonly onGpu: boolean;
  /** Whether timed sessions read back the intra-op pool ORT made (the CPU EP). */
  readonly readsPool: boolean;
}

let ortDefaultOnce: Promise<OrtDefaultThreads> | undefined;

/** ORT's default intra-op pool size here: read back from a probe session where the OS shows threads, else predicted from the topology. */
function cpuOrtDefault(): Promise<OrtDefaultThreads> {
  ortDefaultOnce ??= readBackOrtDefaultThreads().then((n) => ortDefaultIntraOpThreads(readCpuTopology(), n));
  return ortDefaultOnce;
}

/**
 * The onnxruntime-node session options of `settings` on `spec`'s EP, plus `extra` (profiling):
 * log level 3 (errors), the intra-op pool not spinning on a timed session (every session a
 * paired child times takes turns with others in one process, and every timed row shares the
 * setting), `settings.intraOpThreads` where given.
 */
export function nodeSessionOptions(
  spec: NodeEpSpec,
  settings: SessionSettings,
  extra: ort.InferenceSession.SessionOptions = {},
): ort.InferenceSession.SessionOptions {
  return {
    ...ortSessionOptions({ logLevel: 3, spinning: settings.timed ? false : undefined, intraOpThreads: settings.intraOpThreads }, spec.options),
    ...extra,
  };
}

/**
 * Creates an onnxruntime-node session of `path` on `spec`'s EP; a failure that means the
 * EP cannot start here rejects with {@link EpCannotStart}. For the children that drive ORT
 * themselves (ceiling ladders, load scenarios).
 */
export async function createOrtSession(
  spec: NodeEpSpec,
  path: string,
  settings: SessionSettings,
  extra: ort.InferenceSession.SessionOptions = {},
): Promise<ort.InferenceSession> {
  try {
    return await openOrtSession(path, nodeSessionOptions(spec, settings, extra));
  } catch (e) {
    const explained = spec.explainStartFailure?.(e as Error);
    if (explained) throw new EpCannotStart(explained.reason, explained.fix);
    throw e;
  }
}

/** One onnxruntime-node session as an {@link EpSession}. */
class NodeSession implements EpSession {
  private feeds: Record<string, ort.Tensor> | undefined;

  constructor(
    private readonly session: ort.InferenceSession,
    readonly createMs: number,
    readonly threads: EpSession["threads"],
  ) {}

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  async feed(feeds: BatchFeeds): Promise<void> {
    this.feeds = buildFeeds(feeds);
  }

  private current(): Record<string, ort.Tensor> {
    if (!this.feeds) throw new Error("no feeds: call feed() before run()");
    return this.feeds;
  }

  async run(): Promise<number> {
    return (await this.runBlock(1))[0]!;
  }

  async runBlock(n: number): Promise<number[]> {
    const feeds = this.current();
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await this.session.run(feeds);
      out.push(performance.now() - t0);
    }
    return out;
  }

  async predict(r: PredictRequest): Promise<Uint8Array> {
    const result = await evaluateAccuracy(this.session, r.set, r.metadata, {
      batch: r.batch,
      budgetMs: r.budgetMs,
      fixedBatch: r.fixedBatch,
      sourceShape: r.sourceShape,
    });
    return result.predictions;
  }

  async dispose(): Promise<void> {
    this.feeds = undefined;
    await this.session.release().catch(() => undefined);
  }
}

/** The sessions of one onnxruntime-node EP in a measuring child. */
export class NodeSessionHost implements EpSessionHost {
  readonly onGpu: boolean;

  constructor(
    readonly spec: NodeEpSpec,
    private readonly request: Pick<HostRequest, "ortDefault"> = {},
  ) {
    this.onGpu = spec.onGpu;
  }

  /** Creates an ORT session on this EP (behind {@link open}; the ceiling and scenario children time it themselves). */
  createOrt(path: string, settings: SessionSettings, extra: ort.InferenceSession.SessionOptions = {}): Promise<ort.InferenceSession> {
    return createOrtSession(this.spec, path, settings, extra);
  }

  async open(path: string, settings: SessionSettings): Promise<EpSession> {
    if (!settings.timed) {
      const t0 = performance.now();
      const session = await this.createOrt(path, settings);
      return new NodeSession(session, performance.now() - t0, undefined);
    }
    // On the CPU EP the pool ORT made is read back (cpu-topology.ts): never recorded as "0".
    const ortDefault = this.spec.readsPool ? (this.request.ortDefault ?? (await cpuOrtDefault())) : undefined;
    // The process's first session also starts ORT's own threads: a probe session first, so the count sees this session's pool only.
    if (this.spec.readsPool) await warmUpOrtThreads();
    const t0 = performance.now();
    const { value: session, poolThreads } = await withPoolReadBack(() => this.createOrt(path, settings));
    const createMs = performance.now() - t0;
    const threads = {
      ...intraOpThreadsOf(nodeSessionOptions(this.spec, settings), cpus().length, ortDefault, ortDefault ? poolThreads : null),
      spinning: false,
    };
    return new NodeSession(session, createMs, threads);
  }

  peakRssMiB(): number {
    return ownPeakRssMiB();
  }

  async profileOps(path: string, feeds: BatchFeeds, o: { iterations: number; budgetMs: number; traceDir: string }): Promise<OpProfile> {
    await ensureOutputDir(o.traceDir);
    const prefix = join(o.traceDir, `${this.spec.name}-trace`);
    let session: ort.InferenceSession | undefined;
    try {
      session = await this.createOrt(path, { timed: false }, ortSessionOptions({ profileFilePrefix: prefix }));
      const tensors = buildFeeds(feeds);
      const start = performance.now();
      for (let i = 0; i < o.iterations + 1; i++) {
        await session.run(tensors);
        if (i > 0 && performance.now() - start > o.budgetMs) break;
      }
      session.endProfiling();
      const events = await readOrtTrace(prefix, { remove: true });
      if (!events) throw new Error(`ORT wrote no profiling trace under ${o.traceDir}`);
      return parseOrtTrace(events);
    } finally {
      await session?.release();
    }
  }

  async close(): Promise<void> {}
}

/** `host` as the onnxruntime-node host it must be for the jobs that drive ORT sessions themselves (ceiling ladders, load scenarios). */
export function nodeHostOf(host: EpSessionHost, ep: string): NodeSessionHost {
  if (!(host instanceof NodeSessionHost)) throw new Error(`EP "${ep}" does not run on onnxruntime-node: its runner's host is not a NodeSessionHost`);
  return host;
}
