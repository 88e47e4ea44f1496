/**
 * The Node side of one browser EP session: starts the loopback server, launches
 * Chromium, loads the measuring page and drives `window.harness` step by step. Every
 * step runs under its own timeout, so a hung page or GPU process becomes an error, never
 * a hung run. `close()` releases the page session, the browser and the server.
 */
import type { Page } from "playwright-core";
import type { BatchFeeds } from "../child-protocol.ts";
import { buildFeeds } from "../input-tensors.ts";
import { launchChromium, type BrowserEpKind, type LaunchedBrowser } from "./chromium-launch.ts";
import { startPageServer, type PageRequestHandler, type PageServer } from "./page-server.ts";

/** Timeouts of the browser steps, ms. */
export interface BrowserTimeouts {
  /** Chromium start-up; default 30000. */
  readonly launchMs: number;
  /** Loading the page and onnxruntime-web; default 30000 (`HARNESS_PAGE_TIMEOUT_MS` overrides). */
  readonly pageMs: number;
  /** Any other single step (session creation, one block of runs, accuracy); default 600000. */
  readonly stepMs: number;
}

/** Default {@link BrowserTimeouts}; `HARNESS_PAGE_TIMEOUT_MS` overrides the page load. */
export function defaultBrowserTimeouts(env: NodeJS.ProcessEnv = process.env): BrowserTimeouts {
  const page = Number(env.HARNESS_PAGE_TIMEOUT_MS);
  return { launchMs: 30_000, pageMs: Number.isFinite(page) && page > 0 ? page : 30_000, stepMs: 600_000 };
}

/** Facts the page reports after loading onnxruntime-web (strings, for EP facts). */
export type PageFacts = Record<string, string>;

/** WebGPU adapter info, or why there is none. */
export type AdapterInfo =
  { ok: true; vendor: string; architecture: string; device: string; description: string; isFallbackAdapter: string } | { ok: false; why: string };

/** Raw outputs of one run: name → dims and values. */
export type RawOutputs = Record<string, { dims: number[]; data: number[] }>;

/** Options of {@link openBrowserSession}. */
export interface BrowserSessionOptions {
  readonly kind: BrowserEpKind;
  /** Model served to the page as session 0 (a probe may pass any small model). */
  readonly modelPath: string;
  /** More models, sessions 1, 2, … (the other precisions of a paired job). */
  readonly moreModels?: readonly string[];
  /** Serves accuracy batches: float32 images `[start, start+n)` in the model's layout. */
  readonly accuracyBatch?: (start: number, n: number) => Float32Array;
  readonly timeouts?: BrowserTimeouts;
  /** Requests the page server hands to this handler before its own routes. */
  readonly intercept?: PageRequestHandler;
  /** Chromium binary; default {@link chromiumPath}. */
  readonly executablePath?: string;
}

/** Runs `work` with a timeout; the error names the step. */
export async function withTimeout<T>(step: string, ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${step} timed out after ${(ms / 1000).toFixed(1)} s`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/** Feeds by `key/batch`, served to the page as raw bytes. */
type FeedStore = Map<string, Record<string, { data: ArrayBufferView; type: string; dims: readonly number[] }>>;

/** One browser EP session (page + server + Chromium). */
export class BrowserSession {
  private constructor(
    private readonly page: Page,
    private readonly launched: LaunchedBrowser,
    private readonly server: PageServer,
    private readonly timeouts: BrowserTimeouts,
    /** Facts the page reported (onnxruntime-web version, threads, isolation). */
    readonly facts: PageFacts,
    private readonly feedsStore: FeedStore,
  ) {}

  /** Chromium's version, e.g. `156.0.8078.79`. */
  get browserVersion(): string {
    return this.launched.version;
  }

  /**
   * Starts everything and loads onnxruntime-web in the page. Throws (after cleaning up)
   * when Chromium is missing, fails to start, or the page does not load in time.
   */
  static async open(o: BrowserSessionOptions): Promise<BrowserSession> {
    const timeouts = o.timeouts ?? defaultBrowserTimeouts();
    const feedsStore: FeedStore = new Map();
    const server = await startPageServer({
      modelPath: o.modelPath,
      ...(o.moreModels ? { moreModels: o.moreModels } : {}),
      ...(o.intercept ? { intercept: o.intercept } : {}),
      binary: (url) => {
        const feed = /^\/feeds\/(\d+)\/(\d+)\/(\d+)\.bin$/.exec(url.pathname);
        if (feed) {
          const tensor = Object.values(feedsStore.get(`${feed[1]}/${feed[2]}`) ?? {})[Number(feed[3])];
          return tensor ? () => bytesOf(tensor.data) : undefined;
        }
        if (url.pathname === "/data/batch" && o.accuracyBatch) {
          const fill = o.accuracyBatch;
          return () => bytesOf(fill(Number(url.searchParams.get("start")), Number(url.searchParams.get("n"))));
        }
        return undefined;
      },
    });
    let launched: LaunchedBrowser | undefined;
    try {
      launched = await withTimeout("launching Chromium", timeouts.launchMs + 1000, launchChromium(o.kind, timeouts.launchMs, o.executablePath));
      const page = await launched.browser.newPage();
      try {
        await page.goto(`${server.origin}/`, { timeout: timeouts.pageMs });
        await page.waitForFunction(() => (window as unknown as { harness?: { ready?: boolean } }).harness?.ready === true, undefined, {
          timeout: timeouts.pageMs,
        });
      } catch (e) {
        throw new Error(`the measuring page did not load within ${(timeouts.pageMs / 1000).toFixed(1)} s: ${(e as Error).message.split("\n")[0]}`);
      }
      const facts = await withTimeout(
        "loading onnxruntime-web",
        timeouts.pageMs,
        page.evaluate((k) => (window as unknown as PageWindow).harness.init(k), o.kind),
      );
      return new BrowserSession(page, launched, server, timeouts, facts, feedsStore);
    } catch (e) {
      await launched?.close();
      await server.close();
      throw e;
    }
  }

  private step<T>(name: string, work: Promise<T>, ms = this.timeouts.stepMs): Promise<T> {
    return withTimeout(name, ms, work);
  }

  /** The WebGPU adapter's info (`navigator.gpu.requestAdapter()`), or why there is none. */
  adapter(): Promise<AdapterInfo> {
    return this.step(
      "requesting a WebGPU adapter",
      this.page.evaluate(() => (window as unknown as PageWindow).harness.adapter()),
      this.timeouts.pageMs,
    );
  }

  /** Creates session `key` on the served model `key`; resolves its creation time in the page, ms. */
  async createSession(key = 0): Promise<{ sessionCreateMs: number; inputNames: string[]; outputNames: string[] }> {
    return this.step(
      "creating the onnxruntime-web session",
      this.page.evaluate((k) => (window as unknown as PageWindow).harness.create(k), key),
    );
  }

  /** Builds the feeds of `batch` for session `key` (same values as the Node child's buildFeeds) and hands them to the page. */
  async loadFeeds(batch: BatchFeeds, key = 0): Promise<void> {
    const tensors = buildFeeds(batch);
    const entry: Record<string, { data: ArrayBufferView; type: string; dims: readonly number[] }> = {};
    for (const [name, t] of Object.entries(tensors)) entry[name] = { data: t.data as ArrayBufferView, type: t.type, dims: t.dims };
    this.feedsStore.set(`${key}/${batch.batch}`, entry);
    const spec = Object.entries(entry).map(([name, t]) => ({ name, type: t.type, dims: [...t.dims] }));
    await this.step(
      "sending the feeds",
      this.page.evaluate(([b, s, k]) => (window as unknown as PageWindow).harness.feeds(b, s, k).then(() => undefined), [batch.batch, spec, key] as const),
    );
  }

  /** One timed `session.run` of session `key` at `batch` in the page, ms. */
  timedRun(batch: number, key = 0): Promise<number> {
    return this.step(
      `a run at batch ${batch}`,
      this.page.evaluate(([b, k]) => (window as unknown as PageWindow).harness.timedRun(b, k), [batch, key] as const),
    );
  }

  /** `runs` timed runs of session `key` at `batch` back to back in the page; resolves each one's time, ms. */
  block(batch: number, key: number, runs: number): Promise<number[]> {
    return this.step(
      `a block of ${runs} runs at batch ${batch}`,
      this.page.evaluate(([b, k, n]) => (window as unknown as PageWindow).harness.block(b, k, n), [batch, key, runs] as const),
    );
  }

  /** Raw outputs of one run of `batch` (after {@link loadFeeds}). */
  outputs(batch: number): Promise<RawOutputs> {
    return this.step(
      `reading outputs at batch ${batch}`,
      this.page.evaluate((b) => (window as unknown as PageWindow).harness.outputs(b), batch),
    );
  }

  /** Top-1 predictions in the page over the first `count` test images, within `budgetMs`. */
  accuracy(o: {
    batch: number;
    budgetMs: number;
    fixedBatch: boolean;
    count: number;
    inputShape: number[];
    inputName: string;
    outputName: string;
  }): Promise<number[]> {
    return this.step(
      "accuracy",
      this.page.evaluate((opts) => (window as unknown as PageWindow).harness.accuracy(opts), o),
      o.budgetMs + this.timeouts.stepMs,
    );
  }

  /** Releases the page's session, closes Chromium and the server; never throws. */
  async close(): Promise<void> {
    await withTimeout(
      "releasing the session",
      5000,
      this.page.evaluate(() => (window as unknown as PageWindow).harness.release()),
    ).catch(() => undefined);
    await withTimeout("closing Chromium", 10_000, this.launched.close()).catch(() => undefined);
    await this.server.close();
  }
}

/** The page's API, as seen from `page.evaluate` callbacks (which run in the browser). */
interface PageHarness {
  init(kind: BrowserEpKind): Promise<PageFacts>;
  adapter(): Promise<AdapterInfo>;
  create(key: number): Promise<{ sessionCreateMs: number; inputNames: string[]; outputNames: string[] }>;
  feeds(batch: number, spec: readonly { name: string; type: string; dims: number[] }[], key: number): Promise<unknown>;
  timedRun(batch: number, key: number): Promise<number>;
  block(batch: number, key: number, runs: number): Promise<number[]>;
  outputs(batch: number): Promise<RawOutputs>;
  accuracy(o: object): Promise<number[]>;
  release(): Promise<void>;
}

/** The page's global, as `page.evaluate` callbacks see it (they run in the browser, so they name `window` directly). */
interface PageWindow {
  harness: PageHarness;
}
