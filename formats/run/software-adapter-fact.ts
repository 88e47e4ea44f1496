/**
 * The one test of the software-adapter policy: an EP whose probe found it served by a
 * software GPU adapter (SwiftShader, lavapipe: the GPU emulated on the CPU) says so in its
 * facts as `softwareFallback: "yes"` (profile/eps/webgpu-ep.ts, profile/browser/browser-probe.ts).
 * The plan decides it once per job (run-plan.ts `softwareAdapter`); what such rows get is
 * profile/software-adapter.ts's.
 */

/** The probe fact naming a software adapter: `"yes"`, `"no"` or `"unknown"`. */
export const SOFTWARE_FALLBACK_FACT = "softwareFallback";

/** An EP's probe outcome as plan.json and results.json record it (the fields the test reads). */
export type ProbedEp = { readonly state: "available"; readonly facts: Readonly<Record<string, string>> } | { readonly state: "skipped" };

/** True when `status` is an available EP on a software adapter (facts `softwareFallback: "yes"`); false for a skipped or absent one. */
export function onSoftwareAdapter(status: ProbedEp | undefined): boolean {
  return status?.state === "available" && status.facts[SOFTWARE_FALLBACK_FACT] === "yes";
}
