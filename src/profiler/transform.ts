/**
 * One module's way from the file on disk to the code Node.js runs under `hog profile`:
 *
 *   .ts/.mts/.cts   types stripped by TypeScript's transpileModule (no type checking, like tsx), with
 *                   the profiled functions instrumented in the same pass
 *   .js/.mjs/.cjs   untouched unless it profiles something; then re-emitted with the probes
 *   compiled .js    (a sourceMappingURL to .ts sources) profiled functions are found in the original
 *                   sources, probes carry the original line numbers, and the maps are composed
 *
 * The output always carries an inline source map back to the original file, so error stack traces
 * (Node.js runs with --enable-source-maps) and the allocation sampler point at the lines the user wrote.
 */
import { basename, dirname } from 'node:path';
import ts from 'typescript';
import type { FunctionIdentity } from './functionRecord.js';
import { type InstrumentPlan, profilerTransformer } from './instrument.js';
import type { ModuleFormat } from './moduleFormat.js';
import { projectConfig } from './tsconfig.js';

export { usesModuleSyntax } from './moduleFormat.js';

import { headerPosition, isProfilable, type Selected, selectProfiled } from './select.js';
import { isTypeScript, mightSelect } from './sourceKinds.js';
import {
  composeMaps,
  findSourceMap,
  type OriginalPosition,
  type RawSourceMap,
  type SourceMapIndex,
  withInlineMap,
} from './sourceMap.js';

export interface TransformOptions {
  /** 'line' instruments profiled functions; 'sample' only strips types (whole-program sampling). */
  mode: 'line' | 'sample';
  functionNames: readonly string[];
}

export interface TransformOutput {
  code: string;
  /** The functions instrumented in this module. */
  functions: FunctionIdentity[];
}

/** A file hog cannot run: a syntax error, with its position in the original file (1-based). */
export class TransformError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}:${column}: ${detail}`);
    this.name = 'TransformError';
  }
}

/**
 * The code to run for `file`, or undefined to run the file as it is.
 */
export function transformModule(
  file: string,
  source: string,
  format: ModuleFormat,
  options: TransformOptions,
): TransformOutput | undefined {
  const typescript = isTypeScript(file);
  if (!typescript && (options.mode === 'sample' || !mightSelect(source, options.functionNames)))
    return undefined;
  const functions: FunctionIdentity[] = [];
  const inputMap = typescript ? undefined : findSourceMap(file, source);
  const plan =
    options.mode === 'line'
      ? inputMap
        ? compiledPlan(file, source, inputMap, options.functionNames)
        : directPlan(file, options.functionNames)
      : undefined;
  if (!typescript && plan === undefined) return undefined;
  const recording: InstrumentPlan | undefined = plan && {
    planFor(node, sf) {
      const identity = plan.planFor(node, sf);
      if (identity) functions.push(identity);
      return identity;
    },
    lineOf: plan.lineOf,
  };

  const result = ts.transpileModule(source, {
    fileName: file,
    reportDiagnostics: true,
    compilerOptions: compilerOptions(file, format, typescript),
    transformers: recording ? { before: [profilerTransformer(recording)] } : undefined,
  });
  const error = result.diagnostics?.find((d) => d.category === ts.DiagnosticCategory.Error);
  if (error) throw diagnosticError(file, error, inputMap);
  if (!typescript && functions.length === 0) return undefined;

  const emitted = JSON.parse(
    result.sourceMapText ?? '{"version":3,"sources":[],"mappings":""}',
  ) as RawSourceMap;
  const map: RawSourceMap = inputMap
    ? composeMaps(emitted, inputMap)
    : {
        version: 3,
        sources: [basename(file)],
        sourcesContent: [source],
        names: [],
        mappings: emitted.mappings,
      };
  return { code: withInlineMap(result.outputText, map), functions };
}

function diagnosticError(
  file: string,
  d: ts.Diagnostic,
  inputMap: SourceMapIndex | undefined,
): TransformError {
  const message = `${ts.flattenDiagnosticMessageText(d.messageText, '\n')} (TS${d.code})`;
  if (d.file === undefined || d.start === undefined) return new TransformError(file, 1, 1, message);
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  const original = inputMap?.originalFor(line, character);
  if (original) return new TransformError(original.source, original.line + 1, original.column + 1, message);
  return new TransformError(file, line + 1, character + 1, message);
}

/** Compiler options: strip types for Node.js 20, keep module syntax as the format says. */
function compilerOptions(file: string, format: ModuleFormat, typescript: boolean): ts.CompilerOptions {
  const base: ts.CompilerOptions = {
    sourceMap: true,
    inlineSources: false,
    removeComments: false,
    isolatedModules: true,
    allowJs: true,
  };
  if (!typescript) {
    // JavaScript already runs on this Node.js: change nothing but the instrumented functions
    return { ...base, target: ts.ScriptTarget.ESNext, module: ts.ModuleKind.Preserve };
  }
  return {
    ...base,
    target: ts.ScriptTarget.ES2022,
    module: format === 'module' ? ts.ModuleKind.ESNext : ts.ModuleKind.CommonJS,
    esModuleInterop: true,
    // a .tsx file without a jsx setting: classic JSX calls, esbuild's and tsx's default
    ...(file.endsWith('x') ? { jsx: ts.JsxEmit.React } : {}),
    ...projectOptions(dirname(file)),
  };
}

const projectOptionCache = new Map<string, ts.CompilerOptions>();

/**
 * The options of the nearest tsconfig.json (its `extends` chain merged, see tsconfig.ts) that change
 * what code means at run time: legacy decorators and their metadata, class field semantics, JSX.
 */
function projectOptions(dir: string): ts.CompilerOptions {
  const cached = projectOptionCache.get(dir);
  if (cached) return cached;
  const project = projectConfig(dir);
  const options = project ? ts.convertCompilerOptionsFromJson(project.options, dir).options : {};
  projectOptionCache.set(dir, options);
  return options;
}

/** Functions selected in the file itself; lines are the file's own. */
function directPlan(file: string, functionNames: readonly string[]): InstrumentPlan {
  let selectedIn: ts.SourceFile | undefined;
  let selected = new Map<ts.Node, FunctionIdentity>();
  return {
    planFor(node, sf) {
      if (selectedIn !== sf) {
        selectedIn = sf;
        selected = new Map(selectProfiled(sf, { functionNames }).map((s) => [s.node, identityOf(s, file)]));
      }
      return selected.get(node);
    },
    lineOf: (pos, sf) => sf.getLineAndCharacterOfPosition(pos).line + 1,
  };
}

/** What the report names a selected function by: its name, file and lines. */
function identityOf(s: Selected, path: string): FunctionIdentity {
  return { name: s.name, path, startLine: s.startLine, headerLine: s.headerLine, endLine: s.endLine };
}

interface Target {
  identity: FunctionIdentity;
  /** 0-based position of the function's signature in the original source. */
  line: number;
  column: number;
}

/** A function of the compiled code, with where its signature maps to in the original sources. */
interface Candidate {
  pos: number;
  span: number;
  source: string;
  line: number;
  column: number;
}

type OriginalAt = (pos: number, sf: ts.SourceFile) => OriginalPosition | undefined;

/**
 * A compiled file: select in the original sources its map names, then recognise each compiled
 * function by where its signature maps to. Compilers also emit small helper functions that map to a
 * decorated method's position (TypeScript's decorator `access` arrows), so each original function takes
 * the largest compiled function whose signature maps to the same column, else the largest on its line.
 */
function compiledPlan(
  file: string,
  code: string,
  map: SourceMapIndex,
  functionNames: readonly string[],
): InstrumentPlan | undefined {
  const targets = originalTargets(map, functionNames);
  if (targets.length === 0) return undefined;
  const originalAt: OriginalAt = (pos, sf) => {
    const { line, character } = sf.getLineAndCharacterOfPosition(pos);
    return map.originalFor(line, character);
  };
  const chosen = matchTargets(targets, compiledCandidates(file, code, originalAt));
  return {
    planFor: (node) => chosen.get(node.pos),
    lineOf(pos, sf) {
      const original = originalAt(pos, sf);
      return original ? original.line + 1 : undefined;
    },
  };
}

/** The functions selected in the original sources the map carries. */
function originalTargets(map: SourceMapIndex, functionNames: readonly string[]): Target[] {
  const targets: Target[] = [];
  map.sources.forEach((source, index) => {
    const text = map.sourceText(index);
    if (text === undefined || !mightSelect(text, functionNames)) return;
    const sf = ts.createSourceFile(source, text, ts.ScriptTarget.ESNext, true, scriptKind(source));
    for (const s of selectProfiled(sf, { functionNames })) {
      const { line, character } = sf.getLineAndCharacterOfPosition(headerPosition(s.node, sf));
      targets.push({ identity: identityOf(s, source), line, column: character });
    }
  });
  return targets;
}

/** Every function of the compiled code whose signature maps to an original position. */
function compiledCandidates(file: string, code: string, originalAt: OriginalAt): Candidate[] {
  // transpileModule parses the same text, so positions identify the same functions
  const compiled = ts.createSourceFile(file, code, ts.ScriptTarget.ESNext, true, scriptKind(file));
  const candidates: Candidate[] = [];
  const visit = (node: ts.Node): void => {
    if (isProfilable(node)) {
      const original = originalAt(headerPosition(node, compiled), compiled);
      if (original) candidates.push({ pos: node.pos, span: node.end - node.pos, ...original });
    }
    ts.forEachChild(node, visit);
  };
  visit(compiled);
  return candidates;
}

/** Each target's compiled function (by its position): the largest at the same column, else on the same line. */
function matchTargets(targets: readonly Target[], candidates: Candidate[]): Map<number, FunctionIdentity> {
  const chosen = new Map<number, FunctionIdentity>();
  for (const target of targets) {
    const sameLine = candidates.filter(
      (c) => c.source === target.identity.path && c.line === target.line && !chosen.has(c.pos),
    );
    const exact = sameLine.filter((c) => c.column === target.column);
    const best = (exact.length > 0 ? exact : sameLine).sort((a, b) => b.span - a.span)[0];
    if (best) chosen.set(best.pos, target.identity);
  }
  return chosen;
}

function scriptKind(file: string): ts.ScriptKind {
  if (/\.[cm]?tsx?$/.test(file)) return file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  return file.endsWith('x') ? ts.ScriptKind.JSX : ts.ScriptKind.JS;
}
