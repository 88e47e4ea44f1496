// typescript-eslint flat config: recommended rules on every stage folder, and the seams rule.
import path from "node:path";
import { fileURLToPath } from "node:url";
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const ROOT = path.dirname(fileURLToPath(import.meta.url));
/** The production folders; test/ (and anything else) may import internals. */
const STAGES = ["datasets", "train", "export", "pipeline", "profile", "reports", "measure", "ort", "cli", "bench"];

/**
 * seams/stage-imports: a stage imports another stage only through its top-level index.ts,
 * or a file from formats/ (the files that pass between stages); formats/ imports no stage.
 * Static imports, `export … from`, dynamic `import()` and `typeof import()` alike.
 * Options: `entries` (more importable files, e.g. a lighter entry of a stage), `allow`
 * (`from -> to` pairs still to be moved) and `forbid` (stages a stage may not import at all,
 * not even through their index.ts, with the reason as the message).
 */
const stageImports = {
  meta: {
    type: "problem",
    schema: [
      {
        type: "object",
        properties: {
          entries: { type: "array", items: { type: "string" } },
          allow: { type: "array", items: { type: "string" } },
          forbid: {
            type: "array",
            items: {
              type: "object",
              properties: { from: { type: "string" }, to: { type: "array", items: { type: "string" } }, message: { type: "string" } },
              required: ["from", "to", "message"],
              additionalProperties: false,
            },
          },
        },
        additionalProperties: false,
      },
    ],
    messages: {
      bypass: '"{{source}}" reaches into {{stage}}/: import it from {{stage}}/index.ts, or from formats/ if it is a file passed between stages',
      leaf: 'formats/ imports no stage: "{{source}}" is in {{stage}}/ (move what formats/ needs into formats/)',
      forbidden: '"{{source}}" is in {{stage}}/: {{message}}',
    },
  },
  create(context) {
    const { entries = [], allow = [], forbid = [] } = context.options[0] ?? {};
    const file = path.relative(ROOT, context.filename).split(path.sep).join("/");
    const from = file.split("/")[0];
    if (file.startsWith("..") || (from !== "formats" && !STAGES.includes(from))) return {};
    const check = (node, source) => {
      if (typeof source !== "string" || !source.startsWith(".")) return;
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), source));
      const stage = target.split("/")[0];
      if (stage === from || !STAGES.includes(stage)) return;
      if (from === "formats") return context.report({ node, messageId: "leaf", data: { source, stage } });
      const rule = forbid.find((f) => f.from === from && f.to.includes(stage));
      if (rule) return context.report({ node, messageId: "forbidden", data: { source, stage, message: rule.message } });
      if (target === `${stage}/index.ts` || entries.includes(target) || allow.includes(`${file} -> ${target}`)) return;
      context.report({ node, messageId: "bypass", data: { source, stage } });
    };
    const fromSource = (node) => node.source && check(node.source, node.source.value);
    return {
      ImportDeclaration: fromSource,
      ExportNamedDeclaration: fromSource,
      ExportAllDeclaration: fromSource,
      ImportExpression: (node) => node.source.type === "Literal" && check(node.source, node.source.value),
      TSImportType: (node) => check(node.argument, node.argument?.literal?.value),
    };
  },
};

/**
 * profile/ measures ONNX files: making them (training, exporting, quantizing) is pipeline/'s,
 * which cli/ runs before the profile stage and hands over as `runProfile`'s suite preparer.
 */
const PROFILE_MEASURES_FILES =
  "profile/ measures files: training and exporting are pipeline/'s, which cli/ calls and passes to runProfile as its suite preparer (profile/suite-file.ts)";
/** datasets/ is what profile's measurement children load test images with: no TensorFlow.js. */
const DATASETS_LOAD_NO_TFJS =
  "datasets/ loads no TensorFlow.js (profile's measurement children read test images through it): move what it needs into datasets/ or formats/";

/**
 * reports/ reads the run dir through formats/ and starts no child process: measuring (children,
 * Chromium, nvidia-smi) is profile/'s, and a report renders what the run recorded.
 */
const REPORTS_START_NO_CHILD =
  "reports/ starts no child process: it reads the run dir through formats/; measuring (children, Chromium, nvidia-smi) is profile/'s, which records what reports/ needs in the run dir";
/** profile/index.ts's exports that start a child process (or Chromium, or nvidia-smi). */
const PROFILE_CHILD_LAUNCHERS = ["runProfile", "recordRunCeilings", "measureCeilings", "resolveEps", "BrowserSession", "collectHardware"];

export default tseslint.config(
  { ignores: ["node_modules/", "artifacts/", "formats/onnx/generated/onnx-pb.js", "formats/onnx/generated/onnx-pb.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["**/*.ts"],
    plugins: { seams: { rules: { "stage-imports": stageImports } } },
    rules: {
      // datasets/ (the dataset readers, no TensorFlow.js) is a stage of its own: profile's
      // measurement children load test images through datasets/index.ts, never train/index.ts.
      "seams/stage-imports": [
        "error",
        {
          forbid: [
            { from: "profile", to: ["train", "export", "pipeline"], message: PROFILE_MEASURES_FILES },
            { from: "datasets", to: ["train", "export", "profile", "pipeline"], message: DATASETS_LOAD_NO_TFJS },
          ],
        },
      ],
    },
  },
  {
    files: ["reports/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: ["node:child_process", "child_process", "playwright-core", "systeminformation"].map((name) => ({ name, message: REPORTS_START_NO_CHILD })),
          patterns: [{ regex: "(^|/)profile/index\\.ts$", importNames: PROFILE_CHILD_LAUNCHERS, message: REPORTS_START_NO_CHILD }],
        },
      ],
    },
  },
);
