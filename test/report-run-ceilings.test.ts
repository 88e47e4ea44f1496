/**
 * The run's recorded ceilings (formats/run/run-ceilings.ts, profile/ceilings/run-ceilings.ts):
 * profile/ writes `<run dir>/ceilings.json` from the machine's cache, the report reads that
 * file, and a run made before the file falls back to the cache.
 */
import assert from "node:assert/strict";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { ceilingCachePath, writeCeilings } from "../formats/run/ceiling-cache.ts";
import { readRunCeilings, writeRunCeilings } from "../formats/run/run-ceilings.ts";
import { recordRunCeilings } from "../profile/ceilings/run-ceilings.ts";
import { loadReportData } from "../reports/load-run.ts";
import { CACHED_CPU_CEILINGS, okRow, runResults, writeFixtureRun } from "./report-fixtures.ts";

test("recordRunCeilings: a cached EP is not measured again, and every cached entry is written to the run's ceilings.json", async () => {
  const { root, runDir } = await writeFixtureRun([okRow("lenet", "fp32", "cpu", 1, 0.2)]);
  try {
    const hw = runResults([]).hardware;
    await writeCeilings(root, hw, [CACHED_CPU_CEILINGS]);
    const lines: string[] = [];
    assert.deepEqual(await recordRunCeilings(runDir, (l) => lines.push(l)), [CACHED_CPU_CEILINGS]);
    assert.deepEqual(lines, []);
    assert.deepEqual(JSON.parse(await readFile(join(runDir, "ceilings.json"), "utf8")), {
      schemaVersion: 1,
      cache: ceilingCachePath(root, hw),
      eps: [CACHED_CPU_CEILINGS],
    });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test("loadReportData: the run's ceilings.json first; a run without one reads the machine's cache", async () => {
  const { root, runDir } = await writeFixtureRun([okRow("lenet", "fp32", "cpu", 1, 0.2)]);
  try {
    // an older run: no ceilings.json, nothing cached
    assert.equal(await readRunCeilings(runDir), undefined);
    assert.deepEqual((await loadReportData(runDir)).ceilings, []);
    // an older run on a machine with a cache: the cache, as before the file existed
    await writeCeilings(root, runResults([]).hardware, [CACHED_CPU_CEILINGS]);
    assert.deepEqual((await loadReportData(runDir)).ceilings, [CACHED_CPU_CEILINGS]);
    // a run that recorded its ceilings: the record, whatever the cache holds now
    const recorded = { ...CACHED_CPU_CEILINGS, fp32Gflops: 50 };
    await writeRunCeilings(runDir, "elsewhere.json", [recorded]);
    assert.deepEqual((await loadReportData(runDir)).ceilings, [recorded]);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test("readRunCeilings: a damaged ceilings.json is an error naming the file and the field", async () => {
  const { root, runDir } = await writeFixtureRun([]);
  try {
    const path = join(runDir, "ceilings.json");
    await writeFile(path, JSON.stringify({ schemaVersion: 1, cache: "c.json", eps: [{ ep: "cpu" }] }));
    await assert.rejects(readRunCeilings(runDir), {
      message: `Invalid "${path}": eps.0.measuredAt: Invalid input: expected string, received undefined. Delete it to fall back to the machine's ceilings cache.`,
    });
    await writeFile(path, "{");
    await assert.rejects(
      readRunCeilings(runDir),
      (e: Error) => e.message.startsWith(`Invalid "${path}": `) && e.message.endsWith("Delete it to fall back to the machine's ceilings cache."),
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
