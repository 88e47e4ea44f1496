/**
 * The seams rule of eslint.config.js (seams/stage-imports): a stage imports another only
 * through its index.ts or formats/, and formats/ imports no stage; and reports/ starts no
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
    assert.deepEqual(await lint("profile/work/probe.ts", 'export const m = () => import("../../export/export-onnx-file.ts");\n'), [
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
