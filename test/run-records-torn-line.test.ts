/**
 * #23 case 2: a crash mid-write leaves a partial last line in an append-only records file;
 * the next record starts on a new line, the reader keeps every complete record, and
 * `--resume` ends with every round recorded once.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { appendFile, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeOnnx } from "../formats/onnx/onnx-io.ts";
import { buildTinyClassifier } from "./fixtures/tiny-models.ts";
import { runProfile, runProfileInTerminal } from "./profile-with-suite.ts";
import { RUN_FILES } from "../formats/run/results-schema.ts";
import { appendFacts, readFacts, readTimings, type TimingRecord } from "../formats/run/run-records.ts";
import { measuredFacts } from "./fixtures/run-records.ts";

const FAST = { rowBudgetMs: 150, warmupTimeMs: 5, warmupIterations: 1, minTimeMs: 10, minIterations: 3, profileIterations: 1, profileBudgetMs: 50 };
let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "torn-line-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("a record appended after a torn last line starts on a new line; the reader keeps both whole records", async () => {
  await appendFacts(dir, measuredFacts("a|fp32|cpu|1"));
  const whole = await readFile(join(dir, RUN_FILES.facts), "utf8");
  await appendFile(join(dir, RUN_FILES.facts), whole.slice(0, 40));
  await appendFacts(dir, measuredFacts("b|fp32|cpu|1"));
  const lines = (await readFile(join(dir, RUN_FILES.facts), "utf8")).split("\n");
  assert.deepEqual(
    lines.map((l) => l.slice(0, 60)),
    [whole.slice(0, 60), whole.slice(0, 40), JSON.stringify(measuredFacts("b|fp32|cpu|1")).slice(0, 60), ""],
  );
  assert.deepEqual([...(await readFacts(dir)).keys()], ["a|fp32|cpu|1", "b|fp32|cpu|1"]);
  // A file an older version wrote: the next record glued onto the torn fragment is still read.
  await writeFile(join(dir, RUN_FILES.facts), whole.slice(0, 40) + JSON.stringify(measuredFacts("c|fp32|cpu|1")) + "\n");
  assert.deepEqual([...(await readFacts(dir)).keys()], ["c|fp32|cpu|1"]);
});

test("--resume after a torn rounds.jsonl measures the torn round once; a second --resume measures nothing", { timeout: 120_000 }, async () => {
  const model = join(dir, "m.onnx");
  await writeOnnx(model, buildTinyClassifier([1, 8, 8], 10, { seed: 1 }));
  const quiet = { progress: false, printTable: false, log: () => undefined, measure: FAST, threadCheck: false };
  const first = await runProfile({ ...quiet, onnx: [model], eps: ["cpu"], batches: [1], rounds: 2, out: join(dir, "out") });
  assert.equal(first.complete, true);
  const rounds = join(first.dir, RUN_FILES.rounds);
  const text = await readFile(rounds, "utf8");
  const lines = text.trimEnd().split("\n");
  assert.equal(lines.length, 2);
  // What a crash while writing round 2 leaves: half its line, no newline.
  await writeFile(rounds, `${lines[0]}\n${lines[1]!.slice(0, Math.floor(lines[1]!.length / 2))}`);
  assert.deepEqual([...(await readTimings(first.dir)).keys()], ["m|cpu|1|1"]);

  const logs: string[] = [];
  const second = await runProfileInTerminal({ ...quiet, log: (l) => logs.push(l), resume: first.dir });
  assert.equal(second.complete, true);
  assert.deepEqual(
    logs.filter((l) => l.startsWith("measuring")),
    ["measuring round 2/2 m fp32 cpu at batch 1"],
  );
  assert.deepEqual([...(await readTimings(first.dir)).keys()].sort(), ["m|cpu|1|1", "m|cpu|1|2"]);

  const logs3: string[] = [];
  await runProfileInTerminal({ ...quiet, log: (l) => logs3.push(l), resume: first.dir });
  assert.deepEqual(
    logs3.filter((l) => l.startsWith("measuring")),
    [],
  );
  const records = (await readFile(rounds, "utf8"))
    .split("\n")
    .filter((l) => l.startsWith("{") && l.endsWith("}"))
    .map((l) => JSON.parse(l) as TimingRecord);
  assert.deepEqual(
    records.map((r) => r.round),
    [1, 2],
  );
  assert.equal((await readdir(join(dir, "out", "runs"))).length, 1);
});
