/**
 * A worker thread of a scenario child's offline `sessions` mode: its own session of every
 * precision (so N workers are N sessions running at once, each on its own thread), timing
 * one closed-loop block (`runOffline`, one request in flight) per message.
 */
import { parentPort, workerData } from "node:worker_threads";
import { realClock, runOffline } from "../measure/index.ts";
import type { PairedVariant } from "./child-protocol.ts";
import { openNodeHost } from "./node-child-host.ts";
import { openScenarioSession, sessionTarget, warmUp, type ScenarioSession } from "./scenario-session.ts";

/** What the scenario child passes each worker. */
export interface ScenarioWorkerData {
  readonly ep: string;
  readonly variants: readonly PairedVariant[];
  readonly warmupMs: number;
}

/** A request to a worker. */
export type ScenarioWorkerRequest =
  { readonly type: "block"; readonly variant: string; readonly batchIndex: number; readonly durationMs: number } | { readonly type: "close" };

/** A worker's answer. */
export type ScenarioWorkerReply =
  | { readonly type: "ready" }
  | { readonly type: "block"; readonly requests: number; readonly elapsedMs: number; readonly latenciesMs: number[] }
  | { readonly type: "error"; readonly message: string };

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error("scenario-worker.ts runs as a worker thread of the scenario child");
  const data = workerData as ScenarioWorkerData;
  const reply = (m: ScenarioWorkerReply) => port.postMessage(m);
  const sessions: ScenarioSession[] = [];
  try {
    const host = await openNodeHost(data.ep);
    for (const v of data.variants) sessions.push(await openScenarioSession(v, host));
    for (const s of sessions) for (const [b, f] of s.feeds.entries()) if (f) await warmUp(sessionTarget(s, b), data.warmupMs);
    reply({ type: "ready" });
  } catch (e) {
    reply({ type: "error", message: (e as Error).message });
    return;
  }
  port.on("message", (m: ScenarioWorkerRequest) => {
    if (m.type === "close") {
      void Promise.all(sessions.map((s) => s.session.release())).finally(() => port.close());
      return;
    }
    const s = sessions.find((x) => x.name === m.variant);
    if (!s) return reply({ type: "error", message: `no session "${m.variant}" in this worker` });
    runOffline(sessionTarget(s, m.batchIndex), { inFlight: 1, durationMs: m.durationMs }, realClock).then(
      (r) => reply({ type: "block", requests: r.requests, elapsedMs: r.elapsedMs, latenciesMs: r.latenciesMs }),
      (e: unknown) => reply({ type: "error", message: (e as Error).message }),
    );
  });
}

void main();
