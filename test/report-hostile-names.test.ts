/**
 * #23 case 3: names are data. A model whose file name and `harness.model` metadata hold HTML,
 * a `|` and terminal escape sequences: report.md holds no raw `<` and no ESC byte, the
 * terminal gets no control character, and its roofline note is there (row keys are never
 * joined strings parsed back).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeOnnx } from "../formats/onnx/onnx-io.ts";
import { buildTinyClassifier } from "./fixtures/tiny-models.ts";
import { runProfileInTerminal } from "./profile-with-suite.ts";
import { writeCeilings, type EpCeilings } from "../formats/run/ceiling-cache.ts";
import { writeReport } from "../reports/write-report.ts";
import { escapeMarkdown } from "../reports/escape-markdown.ts";
import { visibleControls } from "../formats/terminal-text.ts";

const FAST = { rowBudgetMs: 150, warmupTimeMs: 5, warmupIterations: 1, minTimeMs: 10, minIterations: 3, profileIterations: 1, profileBudgetMs: 50 };
const ESC = "\x1b";
/** The file name, plus a window-title and a clear-screen sequence. */
const FILE_NAME = `=cmd|' \\C calc'!A0 <img src=x onerror=alert(1)>${ESC}]0;pwned\x07${ESC}[2J`;
const META_NAME = `<script>alert(1)</script>|${ESC}[2Jmeta`;
const CEILINGS: EpCeilings = {
  ep: "cpu",
  measuredAt: "2026-01-01T00:00:00.000Z",
  seconds: 1,
  figures: [],
  fp32Gflops: 100,
  int8Gops: 400,
  bandwidthGBs: 10,
  notes: [],
};

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "hostile-names-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("escapeMarkdown and visibleControls: text renders as itself, nothing runs", () => {
  assert.equal(escapeMarkdown("a<img src=x onerror=alert(1)>|b [l](u) `c` \\ &\nz"), "a&lt;img src=x onerror=alert(1)&gt;\\|b \\[l\\](u) \\`c\\` \\\\ &amp; z");
  assert.equal(visibleControls(`t${ESC}]0;x\x07\tok\n\x9b2J`), "t\\x1b]0;x\\x07\tok\n\\x9b2J");
  assert.equal(escapeMarkdown(`${ESC}[2J`), "\\\\x1b\\[2J");
});

test("a hostile-name run: report.md has no raw < and no ESC, the terminal gets no ESC, the roofline notes are there", { timeout: 120_000 }, async () => {
  const foreign = join(dir, `${FILE_NAME}.onnx`);
  await writeOnnx(foreign, buildTinyClassifier([1, 8, 8], 10, { seed: 1 }));
  const labelled = join(dir, "labelled.onnx");
  const metadata = {
    model: META_NAME,
    dataset: "synthetic",
    layout: "NCHW" as const,
    inputShape: [1, 8, 8],
    scale: 1 / 255,
    classNames: Array.from({ length: 10 }, (_, i) => `<b>${i}</b>`),
    precision: "fp32" as const,
  };
  await writeOnnx(labelled, buildTinyClassifier([1, 8, 8], 10, { seed: 2, metadata }));
  const out = join(dir, "out");
  const terminal: string[] = [];
  const log = (l: string) => terminal.push(l);
  const run = await runProfileInTerminal({
    onnx: [foreign, labelled],
    eps: ["cpu"],
    batches: [1],
    quick: true,
    measure: FAST,
    threadCheck: false,
    progress: false,
    out,
    log,
  });
  assert.equal(run.complete, true);
  assert.deepEqual(
    run.results.rows.map((r) => [r.model, r.state]),
    [
      [FILE_NAME, "ok"],
      [META_NAME, "ok"],
    ],
  );
  await writeCeilings(out, run.results.hardware, [CEILINGS]);
  const written = await writeReport(run.dir, { log, modelImages: false, confusion: false });
  const md = await readFile(written.markdown, "utf8");
  assert.equal(
    md.includes("<"),
    false,
    md.split("\n").find((l) => l.includes("<")),
  );
  assert.equal(md.includes(ESC), false);
  assert.equal(terminal.join("\n").includes(ESC), false);
  assert.ok(
    terminal.some((l) => l.includes(visibleControls(FILE_NAME))),
    "the name is shown, escapes visible",
  );
  // The roofline note of each model, names escaped.
  for (const name of [FILE_NAME, META_NAME]) {
    assert.ok(md.includes(`\n${escapeMarkdown(name)} fp32 on cpu: `), `roofline note of ${JSON.stringify(name)} missing`);
  }
  const html = await readFile(written.html, "utf8");
  assert.equal(html.includes("<img src=x"), false);
  assert.equal(html.includes("<script>alert"), false);
});
