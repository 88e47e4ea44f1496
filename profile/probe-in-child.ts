/**
 * Probing an EP in a child process (a crashing driver cannot kill the run), trying each
 * of the runner's probe environments in turn (see `EpRunner.probeEnvs`).
 */
import type { EpProbe, EpRunner } from "./ep-runner.ts";
import { runChild } from "./run-child.ts";

async function probeOnce(runner: EpRunner, env: Readonly<Record<string, string>>, timeoutMs: number): Promise<EpProbe> {
  let result: EpProbe | undefined;
  const exit = await runChild(
    { kind: "probe", ep: runner.name },
    {
      env,
      timeoutMs,
      script: runner.childScript, // the browser EPs probe in their own child script
      onMessage: (m) => {
        if (m.type === "probe") result = m.result;
      },
    },
  );
  if (result) return result;
  const how = exit.timedOut ? "timed out" : exit.signal ? `was killed by ${exit.signal}` : `exited with code ${String(exit.exitCode)}`;
  return {
    available: false,
    reason: `the ${runner.name} probe ${how}: ${exit.stderrTail.split("\n").pop() ?? ""}`,
    fix: "run with DEBUG=1 to see the driver's output",
  };
}

/**
 * Probes `runner` in a child with each of its probe environments until one is available.
 * The facts of the one that served gain `served` (its label) and, when earlier ones failed,
 * `fallbackFrom` (`label: reason` of each); the runner adopts it. When none serves, the
 * reason lists every attempt.
 * @param timeoutMs wall-clock limit per attempt, ms
 */
export async function probeInChild(runner: EpRunner, timeoutMs = 60_000): Promise<EpProbe> {
  const candidates = runner.probeEnvs?.() ?? [{ label: "", env: runner.childEnv() }];
  const failures: { label: string; probe: Extract<EpProbe, { available: false }> }[] = [];
  for (const candidate of candidates) {
    const probe = await probeOnce(runner, candidate.env, timeoutMs);
    if (probe.available) {
      const facts = {
        ...probe.facts,
        ...(candidate.label ? { served: candidate.label } : {}),
        ...(failures.length > 0 ? { fallbackFrom: failures.map((f) => `${f.label}: ${f.probe.reason}`).join("; ") } : {}),
      };
      runner.adopt?.(facts);
      return { available: true, facts };
    }
    failures.push({ label: candidate.label, probe });
  }
  const last = failures[failures.length - 1]?.probe;
  if (!last) return { available: false, reason: `the ${runner.name} runner offered no environment to probe`, fix: "report this as a bug" };
  if (failures.length === 1) return last;
  return { available: false, reason: failures.map((f) => `with ${f.label}: ${f.probe.reason}`).join("; "), fix: last.fix };
}
