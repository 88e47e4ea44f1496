import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { writeReport } from "../reports/index.ts";
import { FIXTURE_REPORT_TABLES, okRow, trainRecord, writeFixtureRun } from "./report-fixtures.ts";

const CHROMIUM = "/usr/bin/chromium";

test(
  "report.html in headless Chromium: every table and plot is there and visible, and every table fits a 1400 px page",
  { skip: existsSync(CHROMIUM) ? false : `skipped: ${CHROMIUM} is absent (install Debian's chromium package)` },
  async () => {
    const { runDir } = await writeFixtureRun(
      [
        okRow("basic-cnn", "fp32", "cpu", 1, 0.2),
        okRow("basic-cnn", "fp32", "cpu", 32, 2),
        okRow("basic-cnn", "int8", "cpu", 1, 0.1),
        okRow("basic-cnn", "int8", "cpu", 32, 1),
        okRow("fcnn", "fp32", "cpu", 1, 0.05, { params: 10_000 }),
        okRow("fcnn", "fp32", "cpu", 32, 0.6, { params: 10_000 }),
      ],
      { "basic-cnn": trainRecord("basic-cnn"), fcnn: trainRecord("fcnn") },
    );
    const written = await writeReport(runDir, { modelImages: false, confusion: false });
    const { chromium } = await import("playwright-core");
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const requests: string[] = [];
      page.on("request", (r) => {
        if (!r.url().startsWith("file:") && !r.url().startsWith("data:")) requests.push(r.url());
      });
      await page.goto(pathToFileURL(written.html).href);
      const tables = await page.$$eval("section.table", (els) => els.map((e) => e.getAttribute("data-table")));
      assert.deepEqual(tables, FIXTURE_REPORT_TABLES);
      // At 1400 px every table fits the page; a wider one would scroll inside its own box, never past the page's edge.
      const overflow = await page.$$eval("section.table .scroll", (els) =>
        els.flatMap((e) => {
          const box = e.getBoundingClientRect();
          const id = e.closest("section")?.getAttribute("data-table");
          return e.scrollWidth > e.clientWidth || box.right > document.documentElement.clientWidth || getComputedStyle(e).overflowX !== "auto"
            ? [`${id}: ${e.scrollWidth}/${e.clientWidth}, right ${box.right}`]
            : [];
        }),
      );
      assert.deepEqual(overflow, []);
      const plots = await page.$$eval("figure.plot", (els) =>
        els.map((e) => {
          const svg = e.querySelector("svg")?.getBoundingClientRect();
          return `${e.getAttribute("data-plot")}:${svg && svg.width > 100 && svg.height > 80 ? "visible" : "empty"}`;
        }),
      );
      assert.deepEqual(plots, [
        "throughput-vs-batch:visible",
        "latency-distribution:visible",
        "int8-speedup:visible",
        "accuracy-vs-params:visible",
        "latency-vs-params:visible",
        "accuracy-vs-training-time:visible",
        "accuracy-per-mparams:visible",
        "cnn-vs-fcnn:visible",
        "training-basic-cnn:visible",
        "training-fcnn:visible",
      ]);
      assert.deepEqual(requests, [], "the report must open offline");
      await mkdir(join(runDir, "screenshot"), { recursive: true });
      await page.screenshot({ path: join(runDir, "screenshot", "report.png"), fullPage: true });
    } finally {
      await browser.close();
    }
  },
);
