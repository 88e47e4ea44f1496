import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeOnnx } from "../formats/onnx/onnx-io.ts";
import { buildTinyClassifier } from "./fixtures/tiny-models.ts";
import { readRunResults } from "../formats/run/results-schema.ts";
import { findRunDirs } from "../reports/index.ts";
import { slurmSkipReason, startSlurmCluster, type SlurmCluster } from "./slurm-cluster.ts";

const skip = slurmSkipReason();
let dir = "";
let cluster: SlurmCluster | undefined;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "slurm-lab-"));
  if (!skip) cluster = await startSlurmCluster(join(dir, "cluster"));
});
after(async () => {
  await cluster?.stop();
  await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
});

test(
  "the Slurm job array profiles on the cluster's node, one run dir per task in the lab folder, then report --lab over it",
  { skip, timeout: 300_000 },
  async () => {
    const model = join(dir, "tiny.onnx");
    await writeOnnx(model, buildTinyClassifier());
    const lab = join(dir, "lab");
    const submit = spawnSync(
      "slurm/submit-lab.sh",
      ["--lab-dir", lab, "--nodes", "2", "--wait", "--", "--onnx", model, "--eps", "cpu", "--batch", "1", "--quick", "--no-report"],
      {
        env: cluster!.env,
        encoding: "utf8",
        timeout: 280_000,
      },
    );
    assert.equal(submit.status, 0, `${submit.stdout}\n${submit.stderr}`);
    assert.match(submit.stdout, /^submitted job array \d+: 2 task\(s\) -> /m);
    assert.match(submit.stdout, /^lab report over 2 machine\(s\) /m);
    const runs = await findRunDirs(lab);
    assert.equal(runs.length, 2, runs.join(", "));
    for (const [i, run] of runs.entries()) {
      assert.match(run, new RegExp(`/${cluster!.node}-\\d+_${i}/runs/`));
      const results = await readRunResults(run);
      assert.deepEqual(
        results.rows.map((r) => [r.key, r.state]),
        [["tiny|fp32|cpu|1", "ok"]],
      );
    }
    const out = await readFile(join(lab, `slurm-${/job array (\d+)/.exec(submit.stdout)?.[1] ?? ""}_0.out`), "utf8");
    assert.match(out, new RegExp(`^task \\d+_0 on ${cluster!.node} \\(partition lab\\)`, "m"));
    const html = await readFile(join(lab, "lab-report.html"), "utf8");
    assert.ok(html.includes('id="table-lab-throughput"'));
  },
);
