import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ResultRow, RunResults } from "../formats/run/results-schema.ts";
import { labThroughputTable, loadLab, machinesTable, writeLabReport } from "../reports/index.ts";
import { tableToMarkdown } from "../reports/report-table.ts";
import { okRow, runResults } from "./report-fixtures.ts";

const roots: string[] = [];
after(async () => {
  for (const r of roots) await rm(r, { recursive: true, force: true });
});

/** Writes `<root>/<sub>/results.json` for a machine with its own hardware. */
async function machine(root: string, sub: string, host: string, cpu: string, ort: string, rows: ResultRow[], gpu?: string): Promise<void> {
  const base = runResults(rows, `2025-01-01T00-00-00Z-${host}`);
  const results: RunResults = {
    ...base,
    hardware: {
      ...base.hardware,
      hostname: host,
      cpu: { ...base.hardware.cpu, model: cpu, flags: host === "node-a" ? ["avx2", "avx512f", "avx512_vnni"] : ["avx2"] },
      gpus: gpu ? [{ model: gpu, vendor: "NVIDIA", driver: "550", vramMiB: 16384 }] : [],
      versions: { node: "20.20.2", onnxruntimeNode: ort },
    },
  };
  await mkdir(join(root, sub), { recursive: true });
  await writeFile(join(root, sub, "results.json"), JSON.stringify(results));
}

async function lab(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "report-lab-"));
  roots.push(root);
  await machine(root, "a/runs/r1", "node-a", "AMD EPYC", "1.30.0", [
    okRow("lenet", "fp32", "cpu", 1, 0.1),
    okRow("lenet", "int8", "cpu", 1, 0.05),
    okRow("lenet", "fp32", "cpu", 32, 1.1),
  ]);
  await machine(
    root,
    "b/runs/r2",
    "node-b",
    "Intel Xeon",
    "1.30.0",
    [
      okRow("lenet", "fp32", "cpu", 1, 0.2),
      okRow("lenet", "int8", "cpu", 1, 0.16, { sizeBytes: 123_456 }),
      okRow("lenet", "fp32", "cpu", 32, 2.2),
      okRow("lenet", "fp32", "cuda", 1, 0.02),
    ],
    "Tesla T4",
  );
  await machine(root, "c", "node-c", "Arm Neoverse", "1.29.0", [okRow("lenet", "fp32", "cpu", 1, 0.4)]);
  return root;
}

test("the lab's machines table shows each machine's hardware; the reference is the first by name unless chosen", async () => {
  const root = await lab();
  const data = await loadLab(root);
  assert.deepEqual(
    data.machines.map((m) => m.label),
    ["node-a", "node-b", "node-c"],
  );
  const md = tableToMarkdown(machinesTable(data)).split("\n");
  assert.deepEqual(md.slice(2, 9), [
    "|  | node-a (reference) | node-b | node-c |",
    "| --- | ---: | ---: | ---: |",
    "| CPU | AMD EPYC | Intel Xeon | Arm Neoverse |",
    "| Cores / threads | 2 / 2 | 2 / 2 | 2 / 2 |",
    "| CPU flags | avx2 avx512f avx512_vnni | avx2 | avx2 |",
    "| Memory (GiB) | 8.0 | 8.0 | 8.0 |",
    "| GPUs | none | NVIDIA Tesla T4 | none |",
  ]);
  assert.equal(md[10], "| onnxruntime-node | 1.30.0 | 1.30.0 | 1.29.0 |");
  assert.equal((await loadLab(root, "node-b")).reference.label, "node-b");
  await assert.rejects(loadLab(root, "node-z"), { message: 'Unknown reference machine "node-z". Expected one of: node-a, node-b, node-c' });
});

test("one row per model × precision × EP × batch with each machine's throughput, ratio to the reference and speedup; non-comparable rows flagged", async () => {
  const root = await lab();
  const t = labThroughputTable(await loadLab(root));
  const byKey = new Map(t.rows.map((r) => [`${String(r.model)}|${String(r.precision)}|${String(r.ep)}|${String(r.batch)}`, r]));
  const fp32 = byKey.get("lenet|fp32|cpu|1")!;
  // okRow's throughput is batch × 1000 / (1.1 p50): node-b is half node-a's, node-c a quarter but on another ORT.
  assert.equal(fp32.ratio_1, 0.5);
  assert.equal(fp32.ratio_2, null);
  assert.equal(fp32.flag, "node-c: different onnxruntime-node (1.29.0 vs 1.30.0)");
  const int8 = byKey.get("lenet|int8|cpu|1")!;
  assert.equal(int8.sp_0, 2);
  assert.equal(int8.sp_1, 1.25);
  assert.equal(int8.ratio_1, null);
  assert.equal(int8.flag, "node-b: different model file (100000 params, 123456 B vs 100000 params, 400000 B)");
  const cuda = byKey.get("lenet|fp32|cuda|1")!;
  assert.deepEqual([cuda.thr_0, cuda.thr_1 !== null, cuda.ratio_1, cuda.flag], [null, true, null, null]);
  assert.equal(t.rows.length, 4);
  assert.ok(t.notes.includes("2 rows are flagged not comparable."));
});

test("npm run report -- --lab writes one HTML and Markdown report with the throughput plot", async () => {
  const root = await lab();
  const cli = spawnSync(process.execPath, ["--import", "tsx", "cli/main.ts", "report", "--lab", root, "--reference", "node-b"], { encoding: "utf8" });
  assert.equal(cli.status, 0, cli.stderr);
  assert.match(cli.stdout, /^lab report over 3 machine\(s\) \(node-a, node-b, node-c\): .*lab-report\.html$/m);
  const html = await readFile(join(root, "lab-report.html"), "utf8");
  assert.ok(html.includes('data-plot="lab-throughput"'));
  // One point per ok row of every machine (8 rows) is drawn.
  const svg = await readFile(join(root, "lab-plots", "lab-throughput.svg"), "utf8");
  assert.equal(svg.match(/<path[^>]*aria-roledescription="point"/g)?.length, 8, svg.slice(0, 300));
  assert.ok(html.includes("node-a ÷ node-b (×)"));
  const md = await readFile(join(root, "lab-report.md"), "utf8");
  assert.match(md, /!\[Throughput per machine and EP\]\(lab-plots\/lab-throughput\.svg\)/);
  const written = await writeLabReport(root);
  assert.deepEqual(
    written.tables.map((f) => f.slice(root.length)),
    ["/lab-tables/lab-machines.csv", "/lab-tables/lab-machines.json", "/lab-tables/lab-throughput.csv", "/lab-tables/lab-throughput.json"],
  );
});
