/**
 * #23 case 8, the smaller ones: --resume keeps --no-report; an all-errored run writes no
 * report and measures no ceilings; `report <dir>` takes the run dir as an argument; a newer
 * or corrupt results.json says what to do; foreign and errored files stay out of the lab's
 * CNN-vs-FCNN table; --help shows one default per flag, valid datasets and exit codes, and
 * export's help has examples and marks the --model-dir-only flags.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeOnnx } from "../formats/onnx/onnx-io.ts";
import { buildTinyClassifier } from "./fixtures/tiny-models.ts";
import { runProfile } from "./profile-with-suite.ts";
import { readRunResults, RESULTS_SCHEMA_VERSION, RUN_FILES } from "../formats/run/results-schema.ts";
import { readPlan } from "../formats/run/run-plan.ts";
import { cnnVsFcnnTable } from "../reports/comparison-tables.ts";
import { loadReportData } from "../reports/index.ts";
import { okRow, trainRecord, writeFixtureRun } from "./report-fixtures.ts";

const CLI = new URL("../cli/main.ts", import.meta.url).pathname;
const FAST = { rowBudgetMs: 150, warmupTimeMs: 5, warmupIterations: 1, minTimeMs: 10, minIterations: 3, profileIterations: 1, profileBudgetMs: 50 };
let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "smaller-fixes-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function cli(args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", CLI, ...args], { encoding: "utf8", timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("--resume keeps --no-report: the run records it", { timeout: 120_000 }, async () => {
  const model = join(dir, "m.onnx");
  await writeOnnx(model, buildTinyClassifier());
  const quiet = { progress: false, printTable: false, log: () => undefined };
  const run = await runProfile({
    ...quiet,
    onnx: [model],
    eps: ["cpu"],
    batches: [1],
    quick: true,
    measure: FAST,
    threadCheck: false,
    report: false,
    out: join(dir, "out"),
  });
  assert.equal(run.report, false);
  assert.equal((await readPlan(run.dir)).settings.report, false);
  const resumed = await runProfile({ ...quiet, resume: run.dir });
  assert.equal(resumed.report, false);
});

test("an all-errored run writes no report and measures no ceilings", () => {
  const bad = join(dir, "bad.onnx");
  const out = join(dir, "out-bad");
  spawnSync("sh", ["-c", `printf 'not onnx' > '${bad}'`]);
  const r = cli(["profile", "--onnx", bad, "--eps", "cpu", "--batch", "1", "--quick", "--no-progress", "--out", out]);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stderr.trim().split("\n")[0], "no report: no row was measured (the run dir keeps every error)");
  assert.equal(existsSync(join(out, "ceilings")), false);
});

test("npm run report -- <run dir> takes the dir as an argument", { timeout: 120_000 }, async () => {
  const { runDir } = await writeFixtureRun([okRow("lenet", "fp32", "cpu", 1, 0.2)]);
  const r = cli(["report", runDir, "--no-images", "--no-confusion"]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.includes(`markdown: ${join(runDir, "report.md")}`), r.stdout);
  await rm(join(runDir, "..", ".."), { recursive: true, force: true });
});

test("results.json from a newer version says update; a corrupt one in a run dir says --resume rebuilds it", async () => {
  await writeFixtureRun([]).then(async ({ runDir }) => {
    await writeFile(join(runDir, RUN_FILES.results), JSON.stringify({ schemaVersion: RESULTS_SCHEMA_VERSION + 1, rows: [] }));
    const path = join(runDir, RUN_FILES.results);
    await assert.rejects(readRunResults(runDir), {
      message: `"${path}" was made by a newer version of the harness (results schema ${RESULTS_SCHEMA_VERSION + 1}; this one reads up to ${RESULTS_SCHEMA_VERSION}). Update the harness (git pull, then npm install) to read it.`,
    });
    await writeFile(path, '{"schemaVersion": 2, "rows": [');
    await assert.rejects(readRunResults(runDir), (e: Error) => e.message.endsWith(". Run npm run profile first."));
    await writeFile(join(runDir, RUN_FILES.plan), "{}");
    await assert.rejects(readRunResults(runDir), (e: Error) =>
      e.message.endsWith(`. Rebuild it from the run's records: npm run profile -- --resume ${runDir}`),
    );
  });
});

test("foreign and errored files stay out of the CNN-vs-FCNN table, with a note", async () => {
  const { runDir } = await writeFixtureRun(
    [
      okRow("basic-cnn", "fp32", "cpu", 1, 0.2),
      okRow("fcnn", "fp32", "cpu", 1, 0.05),
      okRow("two-inputs", "fp32", "cpu", 1, 0.1, { accuracy: null }),
      { ...okRow("broken", "fp32", "cpu", 1, 1), state: "errored", error: "not onnx", exitCode: null, signal: null, stderrTail: "" } as never,
    ],
    { "basic-cnn": trainRecord("basic-cnn"), fcnn: trainRecord("fcnn") },
  );
  const t = cnnVsFcnnTable(await loadReportData(runDir));
  assert.deepEqual(
    t.rows.map((r) => r.model),
    ["basic-cnn", "fcnn"],
  );
  assert.equal(t.notes.at(-1), "Left out (no train.json, and no latency or accuracy of their own: foreign or errored files): two-inputs, broken.");
});

test("--help: one default per flag, valid datasets, exit codes; export's help has examples and marks --model-dir-only flags", () => {
  const profile = cli(["profile", "--help"]).stdout.replace(/\s+/g, " ");
  assert.ok(profile.includes("(default: 2; 1 with --quick)"), profile);
  assert.equal(profile.includes("(default: 1 with --quick) (default:"), false);
  assert.ok(profile.includes('split): mnist, fashion-mnist, cifar10, folder, synthetic (default: "mnist")'), profile);
  assert.ok(profile.includes("Exit status: 0 when at least one row was measured; 1 when no row is ok"));
  assert.ok(profile.includes("--no-report do not write report.html / report.md at the end"));
  const exp = cli(["export", "--help"]).stdout;
  assert.equal(exp.includes("(default: false)"), false);
  assert.equal(exp.includes('["fp32","int8"]'), false);
  assert.ok(exp.replace(/\s+/g, " ").includes("(default: fp32,int8)"));
  assert.equal(exp.match(/with --model-dir only:/g)?.length, 3);
  assert.ok(exp.includes("Examples:\n  npm run export -- --model-dir artifacts/models/lenet-mnist"));
});
