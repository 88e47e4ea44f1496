/**
 * The seams rule of eslint.config.js (seams/stage-imports): a stage imports another only
 * through its index.ts or formats/, and formats/ imports no stage; profile/ imports neither
 * train/ nor export/ (nor pipeline/), not even through their index.ts; and reports/ starts no
 * child process (no-restricted-imports on reports/**).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ESLint } from "eslint";

const ROOT = join(import.meta.dirname, "..");
const eslint = new ESLint({ cwd: ROOT });

/** The messages of linting `code` as if it were the file `file` (relative to the repository). */
async function lint(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe("seams/stage-imports", () => {
  it("fails a stage importing another stage's internal file, statically or dynamically", async () => {
    assert.deepEqual(await lint("reports/probe.ts", 'import { RunStore } from "../profile/run-store.ts";\nexport const s = RunStore;\n'), [
      'seams/stage-imports: "../profile/run-store.ts" reaches into profile/: import it from profile/index.ts, or from formats/ if it is a file passed between stages',
    ]);
    assert.deepEqual(await lint("bench/work/probe.ts", 'export const m = () => import("../../export/export-onnx-file.ts");\n'), [
      'seams/stage-imports: "../../export/export-onnx-file.ts" reaches into export/: import it from export/index.ts, or from formats/ if it is a file passed between stages',
    ]);
    assert.deepEqual(
      await lint("bench/probe.ts", 'export { percentile } from "../measure/statistics.ts";\nexport type { EpCeilings } from "../profile/ceilings/index.ts";\n'),
      [
        'seams/stage-imports: "../measure/statistics.ts" reaches into measure/: import it from measure/index.ts, or from formats/ if it is a file passed between stages',
        'seams/stage-imports: "../profile/ceilings/index.ts" reaches into profile/: import it from profile/index.ts, or from formats/ if it is a file passed between stages',
      ],
    );
  });

  it("fails formats/ importing any stage", async () => {
    assert.deepEqual(await lint("formats/run/probe.ts", 'import { modelWork } from "../../profile/index.ts";\nexport const w = modelWork;\n'), [
      'seams/stage-imports: formats/ imports no stage: "../../profile/index.ts" is in profile/ (move what formats/ needs into formats/)',
    ]);
  });

  it("passes index.ts, formats/, same-stage imports, and tests importing internals", async () => {
    const allowed =
      [
        'import { RunStore } from "../profile/index.ts";',
        'import { readFacts } from "../formats/run/run-records.ts";',
        'import { percentile } from "../measure/index.ts";',
        'import { loadReportData } from "./load-run.ts";',
        'export const all = [RunStore, readFacts, percentile, loadReportData, () => import("../datasets/index.ts")];',
      ].join("\n") + "\n";
    assert.deepEqual(await lint("reports/probe.ts", allowed), []);
    assert.deepEqual(await lint("formats/probe.ts", 'import { onnx } from "./onnx/onnx-io.ts";\nexport const o = onnx;\n'), []);
    assert.deepEqual(await lint("test/probe.test.ts", 'import { RunStore } from "../profile/run-store.ts";\nexport const s = RunStore;\n'), []);
  });
});

describe("profile/ imports neither train/ nor export/", () => {
  const why =
    "profile/ measures files: training and exporting are pipeline/'s, which cli/ calls and passes to runProfile as its suite preparer (profile/suite-file.ts)";

  it("fails profile/ importing train/ or export/, even through index.ts, statically, dynamically or as a type", async () => {
    const code =
      [
        'import { MODEL_NAMES } from "../train/index.ts";',
        'export { exportModel } from "../export/index.ts";',
        'export const m = () => import("../train/index.ts");',
        'export type T = typeof import("../export/export-onnx-file.ts");',
        'export const p = () => import("../pipeline/index.ts");',
        "export const all = [MODEL_NAMES];",
      ].join("\n") + "\n";
    assert.deepEqual(await lint("profile/probe.ts", code), [
      `seams/stage-imports: "../train/index.ts" is in train/: ${why}`,
      `seams/stage-imports: "../export/index.ts" is in export/: ${why}`,
      `seams/stage-imports: "../train/index.ts" is in train/: ${why}`,
      `seams/stage-imports: "../export/export-onnx-file.ts" is in export/: ${why}`,
      `seams/stage-imports: "../pipeline/index.ts" is in pipeline/: ${why}`,
    ]);
    assert.deepEqual(await lint("profile/work/probe.ts", 'export const m = () => import("../../train/index.ts");\n'), [
      `seams/stage-imports: "../../train/index.ts" is in train/: ${why}`,
    ]);
  });

  it("passes pipeline/ and cli/ importing train/ and export/ through their index.ts, and profile/ importing datasets/", async () => {
    const code =
      'import { MODEL_NAMES } from "../train/index.ts";\nimport { exportModel } from "../export/index.ts";\nexport const all = [MODEL_NAMES, exportModel];\n';
    assert.deepEqual(await lint("pipeline/probe.ts", code), []);
    assert.deepEqual(await lint("cli/probe.ts", code), []);
    assert.deepEqual(await lint("profile/probe.ts", 'export const d = () => import("../datasets/index.ts");\n'), []);
  });

  it("fails datasets/ importing train/", async () => {
    assert.deepEqual(await lint("datasets/probe.ts", 'import { MODEL_NAMES } from "../train/index.ts";\nexport const m = MODEL_NAMES;\n'), [
      `seams/stage-imports: "../train/index.ts" is in train/: datasets/ loads no TensorFlow.js (profile's measurement children read test images through it): move what it needs into datasets/ or formats/`,
    ]);
  });
});

describe("reports/ starts no child process", () => {
  const why =
    "reports/ starts no child process: it reads the run dir through formats/; measuring (children, Chromium, nvidia-smi) is profile/'s, which records what reports/ needs in the run dir";

  it("fails reports/ importing child_process or profile's child launchers", async () => {
    const code =
      [
        'import { fork } from "node:child_process";',
        'import { execFile } from "child_process";',
        'import { recordRunCeilings, RunStore } from "../../profile/index.ts";',
        "export const all = [fork, execFile, recordRunCeilings, RunStore];",
      ].join("\n") + "\n";
    assert.deepEqual(await lint("reports/terminal/probe.ts", code), [
      `no-restricted-imports: 'node:child_process' import is restricted from being used. ${why}`,
      `no-restricted-imports: 'child_process' import is restricted from being used. ${why}`,
      `no-restricted-imports: 'recordRunCeilings' import from '../../profile/index.ts' is restricted from being used by a pattern. ${why}`,
    ]);
  });

  it("passes the same imports outside reports/", async () => {
    const code =
      'import { fork } from "node:child_process";\nimport { recordRunCeilings } from "../profile/index.ts";\nexport const all = [fork, recordRunCeilings];\n';
    assert.deepEqual(await lint("cli/probe.ts", code), []);
  });
});
