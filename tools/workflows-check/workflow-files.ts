/**
 * Reads workflow files the way GitHub does (YAML 1.2, anchors and aliases resolved, duplicate keys refused)
 * and keeps each node's line, so a finding can point at it. A reusable workflow called as
 * `./.github/workflows/<file>` is looked up in the same directory as its caller: GitHub allows no
 * sub-directories there, so the directory under check stands for the repository's `.github/workflows`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { isMap, isSeq, LineCounter, Node, parseDocument } from "yaml";

export type YamlPath = readonly (string | number)[];

/** A mapping as parsed from YAML: every key a string. */
export type YamlMap = Readonly<Record<string, unknown>>;

export interface WorkflowFile {
  /** As shown in findings: relative to the directory the check reports against. */
  readonly file: string;
  readonly absolutePath: string;
  /** The parsed workflow, or undefined when the file is not YAML GitHub can read (`problem` says why). */
  readonly workflow?: YamlMap;
  readonly problem?: { readonly line?: number; readonly message: string };
  /** The line of the node at `at`, or of the nearest node above it that exists. */
  lineOf(at: YamlPath): number | undefined;
}

export const isYamlMap = (value: unknown): value is YamlMap =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function readWorkflowFile(absolutePath: string, reportFrom: string): WorkflowFile {
  const file = path.relative(reportFrom, absolutePath) || path.basename(absolutePath);
  const lines = new LineCounter();
  const document = parseDocument(readFileSync(absolutePath, "utf8"), {
    lineCounter: lines,
    uniqueKeys: true,
    prettyErrors: true,
  });
  const lineOf = (at: YamlPath) => {
    let node: unknown = document.contents;
    let line = lineAt(node, lines);
    for (const key of at) {
      node = isMap(node) || isSeq(node) ? node.get(key, true) : undefined;
      if (node === undefined) break;
      line = lineAt(node, lines) ?? line;
    }
    return line;
  };
  const [error] = document.errors;
  // prettyErrors adds " at line L, column C:" and the source lines to the message; the line is in linePos.
  if (error)
    return {
      file,
      absolutePath,
      lineOf,
      problem: { line: error.linePos?.[0].line, message: error.message.split(" at line ")[0] },
    };
  const workflow = document.toJS({ maxAliasCount: 1000 }) as unknown;
  if (!isYamlMap(workflow) || !isYamlMap(workflow.jobs)) {
    return {
      file,
      absolutePath,
      lineOf,
      problem: { line: 1, message: "a workflow is a mapping with `on` and a `jobs` mapping" },
    };
  }
  return { file, absolutePath, workflow, lineOf };
}

function lineAt(node: unknown, lines: LineCounter): number | undefined {
  const range = (node as Node | undefined)?.range;
  return range ? lines.linePos(range[0]).line : undefined;
}

/** The workflow files under check, read once each, and the called workflows they name, read when first asked for. */
export class WorkflowSet {
  private readonly cache = new Map<string, WorkflowFile>();

  /** @param reportFrom the directory findings name files relative to (the working directory for the CLI) */
  constructor(private readonly reportFrom: string) {}

  /** Every `*.yml` and `*.yaml` in a directory, or one file; in name order. */
  read(target: string): WorkflowFile[] {
    const absolute = path.resolve(this.reportFrom, target);
    const files = statSync(absolute).isDirectory()
      ? readdirSync(absolute)
          .filter((name) => /\.ya?ml$/.test(name))
          .sort()
          .map((name) => path.join(absolute, name))
      : [absolute];
    return files.map((file) => this.file(file));
  }

  /** The workflow a job's `uses: ./.github/workflows/<name>` names, looked up beside `caller`; undefined if absent. */
  called(caller: WorkflowFile, uses: string): WorkflowFile | undefined {
    const target = path.join(path.dirname(caller.absolutePath), path.basename(uses));
    return existsSync(target) ? this.file(target) : undefined;
  }

  private file(absolutePath: string): WorkflowFile {
    const known = this.cache.get(absolutePath) ?? readWorkflowFile(absolutePath, this.reportFrom);
    this.cache.set(absolutePath, known);
    return known;
  }
}

/** A local reusable workflow reference (`./.github/workflows/x.yml`); a remote one (`owner/repo/...@ref`) cannot be read here. */
export const LOCAL_WORKFLOW = /^\.\/\.github\/workflows\/[^/]+\.ya?ml$/;

/** The `on.workflow_call` mapping of a workflow GitHub can call, or undefined if it cannot be called. */
export function workflowCall(workflow: YamlMap): YamlMap | undefined {
  const on = workflow.on;
  if (on === "workflow_call" || (Array.isArray(on) && on.includes("workflow_call"))) return {};
  if (isYamlMap(on) && "workflow_call" in on) return isYamlMap(on.workflow_call) ? on.workflow_call : {};
  return undefined;
}

/** A job's entries, each job a mapping (a job that is not one is left to the YAML rule). */
export function jobsOf(workflow: YamlMap): [string, YamlMap][] {
  return Object.entries(isYamlMap(workflow.jobs) ? workflow.jobs : {}).filter((entry): entry is [string, YamlMap] =>
    isYamlMap(entry[1]),
  );
}
