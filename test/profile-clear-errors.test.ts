/**
 * #23 case 5: errors that say what is wrong and stay on screen. A bad flag's error is not
 * followed by the whole help; a mistyped EP or model gets "did you mean" and only flags
 * profile accepts; INT8 of a model with int64 inputs skips that precision with the reason
 * and the fix, and the FP32 rows are measured.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeOnnx } from "../formats/onnx/onnx-io.ts";
import { buildTokenClassifier } from "./fixtures/tiny-models.ts";
import { runProfile, runProfileInTerminal } from "./profile-with-suite.ts";
import { runProfile as runProfileStage } from "../profile/run-profile.ts";
import { didYouMean } from "../formats/did-you-mean.ts";
import { MODEL_NAMES } from "../train/index.ts";

const CLI = new URL("../cli/main.ts", import.meta.url).pathname;
const FAST = { rowBudgetMs: 150, warmupTimeMs: 5, warmupIterations: 1, minTimeMs: 10, minIterations: 3, profileIterations: 1, profileBudgetMs: 50 };
let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "clear-errors-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function cli(args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", CLI, ...args], { encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout };
}

test("a bad --batch, --rounds or --precision prints its error and one line on --help, not the whole help", () => {
  const hint = "(add --help to list every flag and its valid values)";
  const cases: [string[], string][] = [
    [["--batch", "abc"], `error: option '--batch <list>' argument 'abc' is invalid. Invalid batch size "abc": expected positive integers like 1,8,32`],
    [
      ["--precision", "int9"],
      `error: option '--precision <list>' argument 'int9' is invalid. Unknown precision "int9". Expected one of: fp32, int8, int8-all, int8-dynamic, fp16`,
    ],
  ];
  for (const [args, error] of cases) {
    const r = cli(["profile", ...args]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), `${error}\n${hint}`);
  }
  const rounds = cli(["profile", "--rounds", "0"]);
  assert.equal(rounds.code, 1);
  assert.deepEqual(rounds.stderr.trim().split("\n").length, 2, rounds.stderr);
  assert.equal(rounds.stderr.trim().split("\n")[1], hint);
});

test("did you mean: an EP or a model one edit away; nothing when none is close", async () => {
  const quiet = { progress: false, printTable: false, log: () => undefined, out: join(dir, "out") };
  await assert.rejects(runProfile({ ...quiet, onnx: ["x.onnx"], eps: ["cudaa"] }), {
    message: 'Unknown EP "cudaa". Expected one of: cpu, cuda, webgpu, browser-wasm, browser-webgpu. Did you mean "cuda"?',
  });
  await assert.rejects(runProfile({ ...quiet, models: ["lenet", "basic-cnnn", "nosuch"], eps: ["cpu"] }), {
    message: `Unknown models "basic-cnnn", "nosuch". Expected one of: ${MODEL_NAMES.join(", ")}. Did you mean "basic-cnn"? (or --onnx <file.onnx> to profile a model of your own)`,
  });
  assert.equal(didYouMean("nosuch", MODEL_NAMES), "");
  assert.equal(didYouMean("WEBGPU", ["cpu", "webgpu"]), '. Did you mean "webgpu"?');
});

test("a fresh run without a suite preparer: the profile stage says what to pass, before probing", async () => {
  const logs: string[] = [];
  await assert.rejects(
    runProfileStage({ progress: false, printTable: false, log: (l) => logs.push(l), out: join(dir, "out-no-suite"), onnx: ["x.onnx"], eps: ["cpu"] }),
    {
      message:
        "runProfile needs a suite preparer for a fresh run (the files of --models or --onnx): pass pipeline/index.ts's suitePreparer, as cli/profile-command.ts does, or --resume a run",
    },
  );
  assert.deepEqual(logs, []);
});

test("INT8 of a model with int64 inputs: that precision's rows are skipped with the reason and fix; FP32 is measured", { timeout: 120_000 }, async () => {
  const model = join(dir, "tokens.onnx");
  await writeOnnx(model, buildTokenClassifier());
  const logs: string[] = [];
  const run = await runProfileInTerminal({
    onnx: [model],
    precisions: ["fp32", "int8"],
    eps: ["cpu"],
    batches: [1],
    quick: true,
    measure: FAST,
    threadCheck: false,
    progress: false,
    printTable: false,
    out: join(dir, "out-tokens"),
    log: (l) => logs.push(l),
  });
  const reason = 'cannot be made here: the quantizer feeds generated float32 images, and input "ids" is int64 (ONNX type 7)';
  const fix = "quantize it with a tool that feeds its real inputs and give the file with --int8 <file> (or put it beside the model as tokens.<precision>.onnx)";
  assert.deepEqual(
    run.results.rows.map((r) => [r.key, r.state, r.state === "skipped" ? [r.reason, r.fix] : null]),
    [
      ["tokens|fp32|cpu|1", "ok", null],
      ["tokens|int8|cpu|1", "skipped", [reason, fix]],
    ],
  );
  assert.ok(logs.includes(`profile: tokens: int8 skipped: ${reason}`), logs.join("\n"));
});
