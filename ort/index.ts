/**
 * onnxruntime-node, as every stage that opens a session uses it (profile/, export/'s quantizer
 * and INT8 tuner, bench/): one builder of session options, one place sessions are created,
 * and one reader of ORT's profiling trace.
 */
export { ortSessionOptions, spinningEntries, type OrtSessionOptions, type OrtSessionSettings } from "./session-options.ts";
export { openOrtSession } from "./open-session.ts";
export {
  kernelEvents,
  kernelsByNode,
  modelRunStartsUs,
  ortTraceEvents,
  parseOrtTraceText,
  readOrtTrace,
  type KernelEvent,
  type OrtTraceEvent,
} from "./profile-trace.ts";
export { profileOrtSession } from "./profile-session.ts";
