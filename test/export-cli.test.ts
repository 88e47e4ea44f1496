/** The export command: flag errors name the bad value and the valid ones; flags map onto ExportOptions. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Command } from "commander";
import { exportOptionsFromFlags, registerExport } from "../cli/export-command.ts";
import { resolveExportOptions } from "../export/index.ts";

function program(): { program: Command; output: string[] } {
  const output: string[] = [];
  const p = new Command("test").exitOverride().configureOutput({ writeErr: (s) => output.push(s), writeOut: (s) => output.push(s) });
  registerExport(p);
  return { program: p, output };
}

async function parseError(args: string[]): Promise<string> {
  const { program: p } = program();
  try {
    await p.parseAsync(["node", "cli", "export", ...args]);
  } catch (e) {
    return (e as Error).message;
  }
  return "no error";
}

describe("export command", () => {
  it("names a bad precision and lists the valid ones", async () => {
    assert.equal(
      await parseError(["--model-dir", "m", "--precision", "fp32,int4"]),
      `error: option '--precision <list>' argument 'fp32,int4' is invalid. Unknown precision "int4". Expected one of: fp32, int8, int8-all, int8-dynamic, fp16`,
    );
  });

  it("names a bad calibration method, percentile and size", async () => {
    assert.equal(
      await parseError(["--model-dir", "m", "--calibration-method", "kl"]),
      `error: option '--calibration-method <name>' argument 'kl' is invalid. Unknown calibration method "kl". Expected one of: minmax, percentile, entropy`,
    );
    assert.equal(
      await parseError(["--model-dir", "m", "--percentile", "120"]),
      `error: option '--percentile <p>' argument '120' is invalid. Invalid percentile "120": expected a number in (0, 100]`,
    );
    assert.equal(
      await parseError(["--model-dir", "m", "--calibration-size", "0"]),
      `error: option '--calibration-size <n>' argument '0' is invalid. Invalid calibration size "0": expected a whole number ≥ 1`,
    );
  });

  it("requires --model-dir or --onnx", async () => {
    assert.equal(await parseError([]), "export needs --model-dir <trained model dir> or --onnx <file.onnx>");
  });

  it("documents every flag with its default", () => {
    const { program: p } = program();
    const help = p.commands
      .find((c) => c.name() === "export")!
      .helpInformation()
      .replace(/\s+/g, " ");
    for (const text of [
      "(default: fp32,int8)",
      '(default: "minmax")',
      "(default: 300)",
      "(default: 99.99)",
      '(default: "uint8")',
      "(default: 1)",
      "(default: 256)",
      '(default: "auto")',
    ]) {
      assert.ok(help.includes(text), `help lacks ${text}:\n${help}`);
    }
  });

  it("maps the default flags onto the documented option defaults", () => {
    const { program: p } = program();
    const cmd = p.commands.find((c) => c.name() === "export")!;
    cmd.action(() => {});
    p.parse(["node", "cli", "export", "--model-dir", "/models/lenet-mnist"]);
    const resolved = resolveExportOptions(exportOptionsFromFlags(cmd.opts()));
    assert.deepEqual(
      { ...resolved, onProgress: undefined },
      {
        modelDir: "/models/lenet-mnist",
        precisions: ["fp32", "int8"],
        calibrationMethod: "minmax",
        calibrationSize: 300,
        percentile: 99.99,
        activationType: "uint8",
        minConvInputChannels: 0,
        tune: true,
        accuracyBudget: 0.3,
        tuneBatch: 32,
        tuneMs: 3000,
        validationSize: 2000,
        intraOpThreads: 0,
        seed: 1,
        dataDir: undefined,
        parityLimit: undefined,
        batchSize: 256,
        tfjsBackend: "auto",
        force: false,
        onProgress: undefined,
      },
    );
  });
});
