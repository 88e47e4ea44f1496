import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { compareRuns, escapeHtml, latencyChanged, writeReport } from "../reports/index.ts";
import { FIXTURE_REPORT_TABLES, okRow, trainRecord, writeFixtureRun } from "./report-fixtures.ts";

const EVIL = "<img src=x onerror=alert(1)>";

test("escapeHtml turns markup into text", () => {
  assert.equal(escapeHtml(`${EVIL}&"'`), "&lt;img src=x onerror=alert(1)&gt;&amp;&quot;&#39;");
});

test("writeReport writes html, md, plots and tables; names from models are escaped", async () => {
  const { runDir } = await writeFixtureRun(
    [
      okRow("basic-cnn", "fp32", "cpu", 1, 0.2),
      okRow("basic-cnn", "fp32", "cpu", 32, 2),
      okRow("basic-cnn", "int8", "cpu", 1, 0.1),
      okRow("basic-cnn", "int8", "cpu", 32, 1),
      okRow(EVIL, "fp32", "cpu", 1, 0.3),
    ],
    { "basic-cnn": trainRecord("basic-cnn") },
  );
  const written = await writeReport(runDir, { modelImages: false, confusion: false });
  const html = await readFile(written.html, "utf8");
  assert.ok(!html.includes("<img src=x"), "the model name must not become an element");
  assert.ok(html.includes("&lt;img src=x onerror=alert(1)&gt;"));
  assert.ok(!/<script/i.test(html));
  for (const id of FIXTURE_REPORT_TABLES) {
    assert.ok(html.includes(`id="table-${id}"`), id);
  }
  const plots = (await readdir(join(runDir, "plots"))).sort();
  assert.deepEqual(plots, [
    "accuracy-per-mparams.svg",
    "accuracy-vs-params.svg",
    "accuracy-vs-training-time.svg",
    "cnn-vs-fcnn.svg",
    "int8-speedup.svg",
    "latency-distribution.svg",
    "latency-vs-params.svg",
    "throughput-vs-batch.svg",
    "training-basic-cnn.svg",
  ]);
  for (const p of plots) assert.ok(html.includes(`data-plot="${p.replace(/\.svg$/, "")}"`), p);
  const md = await readFile(written.markdown, "utf8");
  assert.match(md, /^# ONNX Runtime profile report — 2025-01-01T00-00-00Z-fixture/);
  assert.match(md, /!\[Throughput vs batch size per EP\]\(plots\/throughput-vs-batch\.svg\)/);
  const csv = await readFile(join(runDir, "tables", "fp32-vs-int8.csv"), "utf8");
  assert.equal(csv.split("\n")[1]?.split(",").slice(0, 7).join(","), "basic-cnn,int8,cpu,1,0.2,0.1,2");
  assert.equal(written.tables.length, 24);
});

test("compare marks a change only beyond the measured noise", async () => {
  const a = await writeFixtureRun(
    [okRow("m", "fp32", "cpu", 1, 1, { bestRoundP50: 1 }), okRow("n", "fp32", "cpu", 1, 1), okRow("o", "fp32", "cpu", 1, 1)],
    {},
    "A",
    {
      speedProbeMs: { min: 0.4, median: 0.5, max: 0.6, count: 3 },
    },
  );
  const b = await writeFixtureRun(
    [
      okRow("m", "fp32", "cpu", 1, 0.5, { bestRoundP50: 0.95 }), // CIs disjoint, -50% > 2·CV (10%): faster
      okRow("n", "fp32", "cpu", 1, 1.05), // CIs [0.98,1.02] vs [1.029,1.071] disjoint, but +5% < 10%: noise
      okRow("o", "fp32", "cpu", 1, 1.5, { accuracy: { top1: 0.5, count: 100, dataset: "synthetic" } }),
    ],
    {},
    "B",
    { speedProbeMs: { min: 0.6, median: 0.65, max: 0.7, count: 3 } },
  );
  const c = await compareRuns([a.runDir, b.runDir]);
  assert.deepEqual(c.table.notes.slice(2), [
    "Run 2 vs run 1: p50 within ±10% in 1 of 3 rows; best-round p50 (the least-disturbed round's median) in 1 of 1; min latency in 1 of 3.",
    "Run 1 machine-speed reference: median 0.500 ms, range 0.400–0.600 ms. A pure-JS arithmetic kernel timed before every child: when it moves, the machine itself changed speed (a shared host), not the model.",
    "Run 2 machine-speed reference: median 0.650 ms, range 0.600–0.700 ms (ratio to run 1: 1.30). A pure-JS arithmetic kernel timed before every child: when it moves, the machine itself changed speed (a shared host), not the model.",
    c.table.notes[5],
  ]);
  const change = Object.fromEntries(c.table.rows.map((r) => [r.key, r.change_1]));
  assert.deepEqual(change, { "m|fp32|cpu|1": "faster", "n|fp32|cpu|1": "within noise", "o|fp32|cpu|1": "slower, less accurate" });
  assert.equal(c.table.rows[0]?.ratio_1, 0.5);
  await assert.rejects(compareRuns([a.runDir]), { message: "Compare needs at least 2 runs, got 1" });
});

test("a row whose rounds disagree needs a larger change to count", () => {
  const base = okRow("m", "fp32", "cpu", 1, 1);
  assert.equal(latencyChanged(base, okRow("m", "fp32", "cpu", 1, 1.3)), true); // +30% > 2 × 5%
  assert.equal(latencyChanged(base, okRow("m", "fp32", "cpu", 1, 1.3, { roundsCv: 0.2 })), false); // +30% < 2 × 20%
  assert.equal(latencyChanged({ ...base, roundsCv: 0.1 }, okRow("m", "fp32", "cpu", 1, 1.3)), true); // +30% > 2 × 10%
});
