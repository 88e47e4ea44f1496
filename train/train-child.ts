/**
 * Entry of one parallel-training child (forked by {@link trainInParallel} under tsx): takes
 * `{ input, autoChoice? }` (TrainOptionsInput, the parent's `auto` choice to adopt) over IPC, trains it with its log on stdout, sends
 * `progress` messages (at most ~4 a second) and then `done` or `error`, and exits.
 */
import { adoptAutoChoice, type BackendChoice } from "./backends/index.ts";
import { ensureTrained } from "./train-model.ts";
import type { TrainOptionsInput } from "../formats/options/train-options.ts";
import type { TrainChildMessage } from "./train-parallel.ts";

function send(message: TrainChildMessage): Promise<void> {
  return new Promise((resolve) => process.send!(message, () => resolve()));
}

process.once("message", async ({ input, autoChoice }: { input: TrainOptionsInput; autoChoice?: BackendChoice }) => {
  if (autoChoice) adoptAutoChoice(autoChoice, input.autoSoftwareAdapter ?? false);
  let last = 0;
  try {
    const { dir, record } = await ensureTrained(input, {
      onBatch: (p) => {
        const now = performance.now();
        if (now - last < 250 && p.seen < p.total) return;
        last = now;
        process.send!({ kind: "progress", progress: p } satisfies TrainChildMessage);
      },
    });
    await send({ kind: "done", dir, testAccuracy: record.test.accuracy });
  } catch (e) {
    await send({ kind: "error", message: e instanceof Error ? e.message : String(e) });
  }
  process.exit(0);
});
