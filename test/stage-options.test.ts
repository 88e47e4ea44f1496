/** One schema per stage: a flag, the API and a config file reject a bad value with the same words; recorded settings of older runs load. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Command } from "commander";
import { registerProfile, profileOptionsFromFlags } from "../cli/profile-command.ts";
import { registerReport } from "../cli/report-command.ts";
import { registerTrain } from "../cli/train-command.ts";
import { resolveTrainOptions } from "../train/index.ts";
import { resolveReportOptions } from "../formats/options/report-options.ts";
import { parseProfileConfig, resolveProfileOptions } from "../formats/options/profile-options.ts";
import { ProfileSettingsSchema, recordSettings, resumeOptions } from "../formats/run/run-settings.ts";
import { RunPlanSchema } from "../formats/run/run-plan.ts";

function command(register: (p: Command) => void, name: string): { program: Command; cmd: Command } {
  const program = new Command("test").exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  register(program);
  const cmd = program.commands.find((c) => c.name() === name)!;
  cmd.exitOverride().action(() => {});
  return { program, cmd };
}

function flagError(register: (p: Command) => void, name: string, args: string[]): string {
  const { program } = command(register, name);
  try {
    program.parse(["node", "cli", name, ...args]);
  } catch (e) {
    return (e as Error).message;
  }
  return "no error";
}

describe("stage options schemas", () => {
  it("a flag and the API name a bad value alike", () => {
    assert.equal(
      flagError(registerTrain, "train", ["--epochs", "0"]),
      `error: option '--epochs <n>' argument '0' is invalid. Invalid epochs "0": expected a whole number ≥ 1`,
    );
    assert.throws(() => resolveTrainOptions({ model: "lenet", epochs: 0 }), { message: 'Invalid epochs "0": expected a whole number ≥ 1' });
    assert.equal(
      flagError(registerProfile, "profile", ["--rounds", "0"]),
      `error: option '--rounds <n>' argument '0' is invalid. Invalid rounds "0": expected a positive integer like 3`,
    );
    assert.throws(() => resolveProfileOptions({ rounds: 0 }), { message: 'Invalid rounds "0": expected a positive integer like 3' });
    assert.equal(
      flagError(registerProfile, "profile", ["--batch", "1,x"]),
      `error: option '--batch <list>' argument '1,x' is invalid. Invalid batch size "x": expected positive integers like 1,8,32`,
    );
    assert.equal(
      flagError(registerReport, "report", ["--training-batch", "0"]),
      `error: option '--training-batch <n>' argument '0' is invalid. Invalid training batch "0": expected a whole number ≥ 1`,
    );
    assert.throws(() => resolveReportOptions("run", { trainingBatch: 0 }), { message: 'Invalid training batch "0": expected a whole number ≥ 1' });
  });

  it("profile: flags the user typed go over the config file; defaults are the stage's", async () => {
    const { program, cmd } = command(registerProfile, "profile");
    program.parse([
      "node",
      "cli",
      "profile",
      "--onnx",
      "a.onnx",
      "b.onnx",
      "--shape",
      "x=1x2",
      "--row-budget",
      "100",
      "--child-timeout",
      "7",
      "--wide",
      "--no-progress",
    ]);
    assert.deepEqual(await profileOptionsFromFlags(cmd.opts(), cmd), {
      onnx: ["a.onnx", "b.onnx"],
      shapes: { x: [1, 2] },
      measure: { rowBudgetMs: 100 },
      childTimeoutMs: 7000,
      table: "wide",
      progress: false,
    });
    const bare = command(registerProfile, "profile");
    bare.program.parse(["node", "cli", "profile"]);
    assert.deepEqual(await profileOptionsFromFlags(bare.cmd.opts(), bare.cmd), {});
  });

  it("a config file is checked by the same schema, keys optional, no defaults filled", () => {
    assert.deepEqual(parseProfileConfig({ rounds: 3 }, "p.json"), { rounds: 3 });
    assert.throws(() => parseProfileConfig({ precisions: ["int4"] }, "p.json"), /^Error: Invalid config "p.json": precisions.0: /);
  });

  it("recorded settings: older plans (keys missing, unknown keys) load typed", () => {
    assert.deepEqual(ProfileSettingsSchema.parse({}), {});
    assert.deepEqual(ProfileSettingsSchema.parse({ dataset: "mnist", accuracyLimit: null, measure: { rowBudgetMs: 5 }, old: 1 }), {
      dataset: "mnist",
      accuracyLimit: null,
      measure: { rowBudgetMs: 5 },
      old: 1,
    });
    assert.equal(RunPlanSchema.shape.settings, ProfileSettingsSchema);
  });

  it("recorded settings: a new run records them in order, unset ones as null or their default; --resume applies them back", () => {
    const o = resolveProfileOptions({ onnx: ["m.onnx"], eps: ["cpu"], quick: true, log: () => undefined });
    const recorded = recordSettings({ ...o, models: [], eps: ["cpu"] });
    assert.deepEqual(Object.keys(recorded), [
      ...["models", "dataset", "onnx", "eps", "batches", "gpuBatches", "precisions", "quick", "shapes", "accuracyLimit", "dataDir", "measure"],
      ...["childTimeoutMs", "cvThreshold", "rounds", "threadCheck", "report", "scenario"],
    ]);
    assert.deepEqual([recorded.accuracyLimit, recorded.dataDir, recorded.report, recorded.rounds], [null, null, true, 1]);
    assert.equal(ProfileSettingsSchema.parse(recorded).measure?.rowBudgetMs, o.measure.rowBudgetMs);
    // A plan of an older version: settings it lacks get the values runs had before them.
    const now = resolveProfileOptions({ childTimeoutMs: 5000, accuracyLimit: 10, report: false, log: () => undefined });
    const old = resumeOptions({ measure: { rowBudgetMs: 7 }, accuracyLimit: null }, now);
    assert.deepEqual(
      [old.rounds, old.threadCheck, old.scenario, old.report, old.accuracyLimit, old.childTimeoutMs, old.measure.rowBudgetMs, old.measure.blockMs],
      [1, false, "single-stream", false, undefined, 5000, 7, now.measure.blockMs],
    );
    const resumed = resumeOptions(
      { ...recorded, childTimeoutMs: 9000, latencyBoundMs: 3, scenario: "server" },
      resolveProfileOptions({ log: () => undefined }),
    );
    assert.deepEqual(
      [resumed.rounds, resumed.childTimeoutMs, resumed.latencyBoundMs, resumed.scenario, resumed.report, resumed.measure],
      [1, 9000, 3, "server", true, o.measure],
    );
  });
});
