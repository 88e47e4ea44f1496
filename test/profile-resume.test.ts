import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeOnnx } from "../formats/onnx/onnx-io.ts";
import { buildTinyClassifier } from "./fixtures/tiny-models.ts";
import { readRunResults, RUN_FILES } from "../formats/run/results-schema.ts";

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "profile-resume-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const CLI = new URL("../cli/main.ts", import.meta.url).pathname;

function cli(args: string[], onStdout?: (text: string, child: ReturnType<typeof spawn>) => void) {
  const child = spawn(process.execPath, ["--import", "tsx", CLI, "profile", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => {
    stdout += c.toString();
    onStdout?.(stdout, child);
  });
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Writes `count` tiny models `<prefix>0.onnx`… and a config with short measurement (plus `extra`); returns their paths. */
async function setUp(prefix: string, count: number, extra: Record<string, unknown>): Promise<{ files: string[]; config: string }> {
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const f = join(dir, `${prefix}${i}.onnx`);
    await writeOnnx(f, buildTinyClassifier([1, 8, 8], 10, { seed: i + 1 }));
    files.push(f);
  }
  const config = join(dir, `${prefix}.config.json`);
  await writeFile(
    config,
    JSON.stringify({
      ...extra,
      measure: { rowBudgetMs: 200, warmupTimeMs: 5, warmupIterations: 1, minTimeMs: 20, minIterations: 3, profileIterations: 1, profileBudgetMs: 100 },
    }),
  );
  return { files, config };
}

test("Ctrl-C keeps finished rows and prints the resume command; --resume completes the run and its rounds", async () => {
  const { files, config } = await setUp("m", 4, {});
  const out = join(dir, "out");
  let sent = false;
  const first = await cli(
    ["--config", config, "--onnx", ...files, "--eps", "cpu", "--batch", "1,2", "--rounds", "2", "--out", out, "--no-progress"],
    (text, child) => {
      if (!sent && /m0\|cpu\|2 round 1: /.test(text)) {
        sent = true;
        child.kill("SIGINT");
      }
    },
  );
  assert.equal(first.code, 130, first.stderr);
  const runs = await readdir(join(out, "runs"));
  assert.equal(runs.length, 1);
  const runDir = join(out, "runs", runs[0]!);
  assert.match(first.stdout, new RegExp(`Resume with: npm run profile -- --resume ${runDir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
  const partial = await readRunResults(runDir);
  assert.equal(partial.complete, false);
  assert.ok(partial.rows.length >= 2 && partial.rows.length < 8, `rows after Ctrl-C: ${partial.rows.length}`);
  assert.deepEqual(
    partial.rows.slice(0, 2).map((r) => [r.key, r.state]),
    [
      ["m0|fp32|cpu|1", "ok"],
      ["m0|fp32|cpu|2", "ok"],
    ],
  );
  const before = (await readFile(join(runDir, RUN_FILES.rounds), "utf8")).trim().split("\n").length;

  const second = await cli(["--resume", runDir, "--no-progress"]);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /Run dir: /);
  const full = await readRunResults(runDir);
  assert.equal(full.complete, true);
  assert.deepEqual(
    full.rows.map((r) => r.key),
    [0, 1, 2, 3].flatMap((i) => [`m${i}|fp32|cpu|1`, `m${i}|fp32|cpu|2`]),
  );
  assert.ok(full.rows.every((r) => r.state === "ok"));
  // Every row got both rounds: its round medians, and two lines in rounds.jsonl.
  assert.deepEqual(
    full.rows.map((r) => (r.state === "ok" ? r.roundP50s?.length : 0)),
    Array(8).fill(2),
  );
  const records = (await readFile(join(runDir, RUN_FILES.rounds), "utf8"))
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { group: string; batch: number; round: number });
  assert.deepEqual(new Set(records.map((r) => `${r.group}|${r.batch}#${r.round}`)).size, 16);
  assert.equal(full.settings.rounds, 2);
  // Resume appended to the same records; nothing measured before Ctrl-C was measured again.
  assert.equal(records.length, 16);
  assert.ok(records.length > before);
});

test("Ctrl-C in a later round keeps every row; --resume runs only the rounds still missing", async () => {
  const { files, config } = await setUp("r", 2, { rounds: 2 });
  const out = join(dir, "out-rounds");
  let sent = false;
  const first = await cli(["--config", config, "--onnx", ...files, "--eps", "cpu", "--batch", "1", "--out", out, "--no-progress"], (text, child) => {
    if (!sent && /measuring round 2\/2 r1 /.test(text)) {
      sent = true;
      child.kill("SIGINT");
    }
  });
  assert.equal(first.code, 130, first.stderr);
  assert.match(first.stdout, /Stopped: 2 of 2 rows finished \(1 of 6 children still to run\)/);
  const runDir = join(out, "runs", (await readdir(join(out, "runs")))[0]!);
  const partial = await readRunResults(runDir);
  assert.equal(partial.complete, false);
  assert.deepEqual(
    partial.rows.map((r) => [r.key, r.state === "ok" ? r.roundP50s?.length : r.state]),
    [
      ["r0|fp32|cpu|1", 2],
      ["r1|fp32|cpu|1", 1],
    ],
  );

  const second = await cli(["--resume", runDir, "--no-progress"]);
  assert.equal(second.code, 0, second.stderr);
  assert.deepEqual(
    second.stdout.split("\n").filter((l) => l.startsWith("measuring")),
    ["measuring round 2/2 r1 fp32 cpu at batch 1"],
  );
  const full = await readRunResults(runDir);
  assert.equal(full.complete, true);
  assert.deepEqual(
    full.rows.map((r) => (r.state === "ok" ? r.roundP50s?.length : r.state)),
    [2, 2],
  );
});

test("a bad config key is named", async () => {
  const config = join(dir, "bad.config.json");
  await writeFile(config, JSON.stringify({ batches: [1], measure: { rowBudget: 5 } }));
  const r = await cli(["--config", config, "--onnx", "x.onnx"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`error: Invalid config "${config}": measure: Unrecognized key: "rowBudget"`));
});
