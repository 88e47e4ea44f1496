/**
 * The {@link EpSession} seam over onnxruntime-web in headless Chromium: one page (a
 * {@link BrowserSession}) per measuring child serves every model of the job; each opened
 * model is one onnxruntime-web session in the page, keyed by its place in the job's list.
 * Errors keep their first line (the page's stacks say nothing to a user).
 */
import { fillBatch } from "../accuracy.ts";
import type { BatchFeeds } from "../child-protocol.ts";
import { EpCannotStart, type EpSession, type EpSessionHost, type HostRequest, type PredictRequest } from "../ep-session.ts";
import { treePeakRssMiB } from "../process-rss.ts";
import type { BrowserSession } from "./browser-session.ts";
import { BROWSER_PAGE_FIX, openChecked } from "./browser-probe.ts";
import type { BrowserEpKind } from "./chromium-launch.ts";
import type { PageRequestHandler } from "./page-server.ts";

/** The first line of an error's message. */
function firstLine(e: unknown): string {
  return (e as Error).message.split("\n")[0] ?? "unknown error";
}

/** Runs `work`, rethrowing its error with only the message's first line. */
async function brief<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    throw new Error(firstLine(e));
  }
}

/** One onnxruntime-web session in the page. */
class BrowserEpSession implements EpSession {
  private batch: number | undefined;

  constructor(
    private readonly host: BrowserSessionHost,
    private readonly page: BrowserSession,
    private readonly key: number,
    readonly createMs: number,
    readonly inputNames: readonly string[],
    readonly outputNames: readonly string[],
  ) {}

  async feed(feeds: BatchFeeds): Promise<void> {
    await brief(this.page.loadFeeds(feeds, this.key));
    this.batch = feeds.batch;
  }

  private current(): number {
    if (this.batch === undefined) throw new Error("no feeds: call feed() before run()");
    return this.batch;
  }

  run(): Promise<number> {
    return brief(this.page.timedRun(this.current(), this.key));
  }

  runBlock(n: number): Promise<number[]> {
    return brief(this.page.block(this.current(), this.key, n));
  }

  async predict(r: PredictRequest): Promise<Uint8Array> {
    const per = r.metadata.inputShape.reduce((a, b) => a * b, 1);
    this.host.images = (start, n) => {
      const out = new Float32Array(n * per);
      fillBatch(r.set, start, n, r.metadata, out, r.sourceShape);
      return out;
    };
    const predictions = await this.page.accuracy({
      batch: r.batch,
      budgetMs: r.budgetMs,
      fixedBatch: r.fixedBatch,
      count: r.set.count,
      inputShape: r.metadata.inputShape,
      inputName: this.inputNames[0] ?? "input",
      outputName: this.outputNames[0] ?? "output",
    });
    return Uint8Array.from(predictions);
  }

  async dispose(): Promise<void> {
    // The page's sessions are released with the page (host.close()).
  }
}

/** The page that runs a browser child's sessions. */
export class BrowserSessionHost implements EpSessionHost {
  /** Serves the page's accuracy batches (set by {@link BrowserEpSession.predict}). */
  images: ((start: number, n: number) => Float32Array) | undefined;

  private constructor(
    private readonly kind: BrowserEpKind,
    private readonly models: readonly string[],
    private page: BrowserSession | undefined,
    readonly onGpu: boolean,
  ) {}

  /**
   * Launches Chromium and loads the measuring page serving `request.models`. Rejects with
   * {@link EpCannotStart} when Chromium or the adapter is missing, and with a plain error
   * (the rows become errored) when the page fails to load. `intercept` answers page
   * requests before the server's own routes.
   */
  static async open(kind: BrowserEpKind, request: HostRequest, intercept?: PageRequestHandler): Promise<BrowserSessionHost> {
    const [first, ...more] = request.models;
    if (!first) throw new Error("a browser host needs at least one model");
    const ref: { host?: BrowserSessionHost } = {};
    const opened = await openChecked(kind, {
      modelPath: first,
      moreModels: more,
      ...(intercept ? { intercept } : {}),
      accuracyBatch: (start, n) => {
        if (!ref.host?.images) throw new Error("no accuracy images");
        return ref.host.images(start, n);
      },
    });
    if ("reason" in opened) {
      // Chromium missing or no adapter: skipped. A page that fails to load: errored rows.
      if (opened.fix === BROWSER_PAGE_FIX) throw new Error(opened.reason);
      throw new EpCannotStart(opened.reason, opened.fix);
    }
    ref.host = new BrowserSessionHost(kind, request.models, opened.session, kind === "webgpu");
    return ref.host;
  }

  async open(path: string): Promise<EpSession> {
    const page = this.page;
    if (!page) throw new Error("the browser host is closed");
    const key = this.models.indexOf(path);
    if (key < 0) throw new Error(`${path} is not one of the models the page serves`);
    try {
      const created = await page.createSession(key);
      return new BrowserEpSession(this, page, key, created.sessionCreateMs, created.inputNames, created.outputNames);
    } catch (e) {
      throw new EpCannotStart(
        `onnxruntime-web (${this.kind}) cannot run this model: ${firstLine(e)}`,
        "profile it on a native EP (--eps cpu), or re-export it with ops and opsets onnxruntime-web supports",
      );
    }
  }

  peakRssMiB(): number {
    return treePeakRssMiB();
  }

  async close(): Promise<void> {
    await this.page?.close();
    this.page = undefined;
  }
}
