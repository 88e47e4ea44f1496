/**
 * The loopback HTTP server behind the browser EPs: serves the measuring page, its script,
 * onnxruntime-web's `dist/`, the model files, the input feeds of each batch size
 * and the accuracy test set (both as raw binary). Binds 127.0.0.1 on a random port only.
 * Every response carries COOP/COEP/CORP headers so the page is cross-origin isolated
 * (`SharedArrayBuffer`, hence wasm threads, and 5 µs `performance.now()` resolution).
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** Headers that make the page cross-origin isolated. */
export const ISOLATION_HEADERS = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  "Cross-Origin-Resource-Policy": "same-origin",
} as const;

const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".map": "application/json",
};

const ORT_WEB_DIST = fileURLToPath(new URL("../../node_modules/onnxruntime-web/dist/", import.meta.url));
const PAGE_DIR = fileURLToPath(new URL("./page/", import.meta.url));

/** A binary payload the page fetches (raw little-endian typed-array bytes). */
export type BinaryRoute = () => Uint8Array | Promise<Uint8Array>;

/**
 * Answers a request before the built-in routes: returns true when it took the request
 * (and answers it, or deliberately never does), false to leave it to the server.
 */
export type PageRequestHandler = (url: URL, res: ServerResponse) => boolean;

/** What {@link startPageServer} serves besides the static files. */
export interface PageServerOptions {
  /** The .onnx file served at `/model.onnx` (and `/models/0.onnx`). */
  readonly modelPath: string;
  /** More .onnx files, served at `/models/1.onnx`, `/models/2.onnx`… (the other precisions of a paired job). */
  readonly moreModels?: readonly string[];
  /**
   * Dynamic binary routes by path (e.g. `/feeds/1/0.bin`); a function of the query
   * string is given the parsed URL.
   */
  readonly binary?: (url: URL) => BinaryRoute | undefined;
  /** Tried first on every request (`BrowserSessionHost.open`'s `intercept`: a test fixture holding the page back). */
  readonly intercept?: PageRequestHandler;
}

/** A running server; `close()` drops open connections. */
export interface PageServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly origin: string;
  close(): Promise<void>;
}

const INDEX_HTML = `<!doctype html><html><head><meta charset="utf-8"><title>ort browser harness</title>
<script type="module" src="/page/harness-page.js"></script></head><body>harness</body></html>`;

/** Resolves `rel` inside `root`, or undefined when it escapes it. */
function inside(root: string, rel: string): string | undefined {
  const path = normalize(join(root, decodeURIComponent(rel)));
  return path.startsWith(root.endsWith(sep) ? root : root + sep) ? path : undefined;
}

async function sendFile(res: ServerResponse, path: string | undefined): Promise<void> {
  if (!path) return sendStatus(res, 403);
  try {
    const info = await stat(path);
    if (!info.isFile()) return sendStatus(res, 404);
    res.writeHead(200, {
      ...ISOLATION_HEADERS,
      "Content-Type": MIME[extname(path)] ?? "application/octet-stream",
      "Content-Length": info.size,
      "Cache-Control": "no-store",
    });
    createReadStream(path).pipe(res);
  } catch {
    sendStatus(res, 404);
  }
}

function sendStatus(res: ServerResponse, code: number, text = String(code)): void {
  res.writeHead(code, { ...ISOLATION_HEADERS, "Content-Type": "text/plain" });
  res.end(text);
}

/** Starts the server on 127.0.0.1 at a random free port. */
export async function startPageServer(options: PageServerOptions): Promise<PageServer> {
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const path = url.pathname;
    if (options.intercept?.(url, res)) return;
    if (path === "/" || path === "/index.html") {
      res.writeHead(200, { ...ISOLATION_HEADERS, "Content-Type": MIME[".html"] });
      res.end(INDEX_HTML);
      return;
    }
    if (path === "/model.onnx") return sendFile(res, options.modelPath);
    const extra = /^\/models\/(\d+)\.onnx$/.exec(path);
    if (extra) {
      const k = Number(extra[1]);
      return sendFile(res, k === 0 ? options.modelPath : options.moreModels?.[k - 1]);
    }
    if (path.startsWith("/ort/")) return sendFile(res, inside(ORT_WEB_DIST, path.slice(5)));
    if (path.startsWith("/page/")) return sendFile(res, inside(PAGE_DIR, path.slice(6)));
    const route = options.binary?.(url);
    if (!route) return sendStatus(res, 404);
    try {
      const bytes = await route();
      res.writeHead(200, { ...ISOLATION_HEADERS, "Content-Type": "application/octet-stream", "Content-Length": bytes.byteLength });
      res.end(bytes);
    } catch (e) {
      sendStatus(res, 500, (e as Error).message);
    }
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => sendStatus(res, 500, (e as Error).message));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
