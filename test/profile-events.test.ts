/**
 * runProfile is an engine: it prints nothing and installs no SIGINT handler, emits typed
 * events in order, and its signal stops the run; cli/profile-renderer.ts turns the events
 * into the lines `npm run profile` has always printed.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeOnnx } from "../formats/onnx/onnx-io.ts";
import { buildTinyClassifier } from "./fixtures/tiny-models.ts";
import { runProfile } from "./profile-with-suite.ts";
import type { ProfileEvent } from "../profile/profile-events.ts";
import { ProfileRenderer } from "../cli/profile-renderer.ts";
import { measuredFacts } from "./fixtures/run-records.ts";

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "profile-events-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("an aborted signal: the plan is made, no child runs, the run ends stopped; nothing printed, no SIGINT handler left", { timeout: 60_000 }, async () => {
  const model = join(dir, "m.onnx");
  await writeOnnx(model, buildTinyClassifier([1, 8, 8], 10, { seed: 1 }));
  const events: ProfileEvent[] = [];
  const printed: string[] = [];
  const sigint = process.listenerCount("SIGINT");
  const controller = new AbortController();
  controller.abort();
  const run = await runProfile({
    onnx: [model],
    eps: ["cpu"],
    batches: [1],
    quick: true,
    out: join(dir, "out"),
    log: (l) => printed.push(l),
    signal: controller.signal,
    onEvent: (e) => void events.push(e),
  });
  assert.equal(process.listenerCount("SIGINT"), sigint);
  assert.equal(run.complete, false);
  assert.deepEqual(printed, []);
  assert.deepEqual(
    events.map((e) => e.type),
    ["probing", "ep-status", "plan-ready", "tasks-ended", "finished"],
  );
  const finished = events.at(-1);
  assert.ok(finished?.type === "finished");
  assert.deepEqual([finished.stopped, finished.complete, finished.children, finished.plannedRows], [true, false, { total: 2, pending: 2 }, 1]);

  // The renderer says what the CLI has always said for it.
  const lines: string[] = [];
  const renderer = new ProfileRenderer({ progress: false, printTable: false, table: "compact", log: (l) => lines.push(l) });
  for (const e of events) await renderer.onEvent(e);
  assert.deepEqual(lines, [
    "probing EPs: cpu",
    "  cpu: available",
    `\nStopped: 0 of 1 rows finished (2 of 2 children still to run) and kept in ${run.dir}`,
    `Resume with: npm run profile -- --resume ${run.dir}`,
  ]);
});

test("the renderer: Ctrl-C is the run's signal only while children run; --no-progress lines per child and record", async () => {
  const lines: string[] = [];
  const renderer = new ProfileRenderer({ progress: false, printTable: false, table: "compact", log: (l) => lines.push(l) });
  const sigint = process.listenerCount("SIGINT");
  await renderer.onEvent({ type: "plan-ready", dir: "/r", total: 1 });
  assert.equal(process.listenerCount("SIGINT"), sigint + 1);
  process.emit("SIGINT");
  assert.equal(renderer.signal.aborted, true);
  await renderer.onEvent({ type: "task-start", label: "facts m fp32 cpu", batches: [1, 32] });
  await renderer.onEvent({ type: "task-done", outcome: { kind: "facts", records: [measuredFacts("m|fp32|cpu|1")], stopped: false } });
  await renderer.onEvent({ type: "tasks-ended" });
  assert.equal(process.listenerCount("SIGINT"), sigint);
  await renderer.onEvent({ type: "failed", dir: "/r", rows: 1, plannedRows: 2, error: new Error("x") });
  assert.deepEqual(lines, [
    "measuring facts m fp32 cpu at batch 1,32",
    "  m|fp32|cpu|1: first run 2.00 ms, peak RSS 120 MiB",
    "\nThe profiler failed; 1 of 2 rows are kept in /r",
    "Resume with: npm run profile -- --resume /r",
  ]);
});
