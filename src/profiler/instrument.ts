/**
 * The instrumentation: a TypeScript transformer that rewrites each profiled function so that a memory
 * probe runs before every statement (see frame.ts for what the probes measure):
 *
 *   function work(n) {                    function work(n) {
 *     const a = [];                         const __hogF = globalThis[Symbol.for("hog.profiler")].enter(...);
 *     for (let i = 0; i < n; i++) {   =>    try {
 *       a.push(i);                            __hogF.line(2); const a = [];
 *     }                                       __hogF.line(3); for (let i = 0; i < n; __hogF.step(3), i++) {
 *     return a;                                 __hogF.line(4); a.push(i);
 *   }                                         }
 *                                             __hogF.line(6); return a;
 *                                           } finally { __hogF.exit(); }
 *                                         }
 *
 * Loop headers count once per step, as memory_profiler counts a `for` line (n + 1 for n iterations):
 * `for(;;)` through its increment (counted, not measured: see frame.step), `while` through its
 * condition, `for...of` through the iterator (frame.forOf). `await x` becomes
 * `__hogF.resumeAwait(await __hogF.suspend(x))` and `yield` likewise, so that memory other code
 * allocates while the call is suspended is not charged to the line. Nested functions are left
 * alone unless they are profiled themselves (then they get their own frame): what they allocate when
 * called from a line is that line's, as in memory_profiler. Inserted nodes carry no source position,
 * so the emitted source map still maps every original token exactly.
 *
 * This file finds the profiled functions and gives each its frame; statementProbes.ts places the probes
 * inside one, and probeCalls.ts builds the calls (the probe protocol).
 */
import ts from 'typescript';
import type { FunctionIdentity } from './functionRecord.js';
import { ProbeCalls } from './probeCalls.js';
import { isProfilable, type ProfilableFunction } from './select.js';
import { type InstrumentPlan, StatementProbes } from './statementProbes.js';

export { FRAME } from './probeCalls.js';
export type { InstrumentPlan } from './statementProbes.js';

export function profilerTransformer(plan: InstrumentPlan): ts.TransformerFactory<ts.SourceFile> {
  return (context) => (sf) => {
    const calls = new ProbeCalls(context.factory);
    /** Everything outside profiled functions: find them, anywhere (nested in anything). */
    const outer = (node: ts.Node): ts.Node => {
      if (isProfilable(node)) {
        const identity = plan.planFor(node, sf);
        if (identity) {
          const probes = new StatementProbes(context, sf, plan, identity, calls, outer);
          return updateBody(context.factory, node, instrumentedBody(node, identity, probes, calls), outer);
        }
      }
      return ts.visitEachChild(node, outer, context);
    };
    return ts.visitNode(sf, outer) as ts.SourceFile;
  };
}

/** The new body: directives stay first, then the frame, then the statements inside try/finally. */
function instrumentedBody(
  fn: ProfilableFunction,
  identity: FunctionIdentity,
  probes: StatementProbes,
  calls: ProbeCalls,
): ts.Block {
  const source = fn.body as ts.ConciseBody;
  let prologue: ts.Statement[] = [];
  let instrumented: ts.Statement[];
  if (ts.isBlock(source)) {
    const list = source.statements;
    let n = 0;
    while (
      n < list.length &&
      ts.isExpressionStatement(list[n] as ts.Statement) &&
      ts.isStringLiteral((list[n] as ts.ExpressionStatement).expression)
    )
      n++;
    prologue = list.slice(0, n);
    instrumented = probes.statements(list.slice(n));
  } else {
    // an arrow function's expression body: probed and returned
    const line = probes.lineAt(source);
    instrumented = [calls.lineStatement(line), ts.factory.createReturnStatement(probes.expression(source))];
  }
  return ts.factory.createBlock([...prologue, calls.enter(identity), calls.guarded(instrumented)], true);
}

/** The same function with a new body; parameters and decorators are visited for nested profiled functions. */
function updateBody(
  f: ts.NodeFactory,
  fn: ProfilableFunction,
  body: ts.Block,
  outer: (node: ts.Node) => ts.Node,
): ts.Node {
  const visitList = <T extends ts.Node>(list: ts.NodeArray<T> | undefined): ts.NodeArray<T> | undefined =>
    list === undefined ? undefined : ts.visitNodes(list, outer, (n): n is T => true);
  const signature: VisitedSignature = {
    modifiers: visitList(fn.modifiers as ts.NodeArray<ts.ModifierLike> | undefined),
    parameters: visitList(fn.parameters) as ts.NodeArray<ts.ParameterDeclaration>,
  };
  return isClassMember(fn)
    ? memberWithBody(f, fn, signature, body)
    : functionWithBody(f, fn, signature, body);
}

/** The modifiers (decorators included) and parameters, with nested profiled functions instrumented. */
interface VisitedSignature {
  modifiers: ts.NodeArray<ts.ModifierLike> | undefined;
  parameters: ts.NodeArray<ts.ParameterDeclaration>;
}

type ClassMember =
  | ts.MethodDeclaration
  | ts.ConstructorDeclaration
  | ts.GetAccessorDeclaration
  | ts.SetAccessorDeclaration;

function isClassMember(fn: ProfilableFunction): fn is ClassMember {
  return (
    ts.isMethodDeclaration(fn) ||
    ts.isConstructorDeclaration(fn) ||
    ts.isGetAccessorDeclaration(fn) ||
    ts.isSetAccessorDeclaration(fn)
  );
}

/** A function declaration, function expression or arrow function with a new body. */
function functionWithBody(
  f: ts.NodeFactory,
  fn: Exclude<ProfilableFunction, ClassMember>,
  { modifiers, parameters }: VisitedSignature,
  body: ts.Block,
): ts.Node {
  switch (fn.kind) {
    case ts.SyntaxKind.FunctionDeclaration:
      return f.updateFunctionDeclaration(
        fn,
        modifiers as ts.NodeArray<ts.ModifierLike>,
        fn.asteriskToken,
        fn.name,
        fn.typeParameters,
        parameters,
        fn.type,
        body,
      );
    case ts.SyntaxKind.FunctionExpression:
      return f.updateFunctionExpression(
        fn,
        modifiers as ts.NodeArray<ts.Modifier>,
        fn.asteriskToken,
        fn.name,
        fn.typeParameters,
        parameters,
        fn.type,
        body,
      );
    case ts.SyntaxKind.ArrowFunction:
      return f.updateArrowFunction(
        fn,
        modifiers as ts.NodeArray<ts.Modifier>,
        fn.typeParameters,
        parameters,
        fn.type,
        fn.equalsGreaterThanToken,
        body,
      );
  }
}

/** A method, constructor or accessor with a new body. */
function memberWithBody(
  f: ts.NodeFactory,
  fn: ClassMember,
  { modifiers, parameters }: VisitedSignature,
  body: ts.Block,
): ts.Node {
  switch (fn.kind) {
    case ts.SyntaxKind.MethodDeclaration:
      return f.updateMethodDeclaration(
        fn,
        modifiers,
        fn.asteriskToken,
        fn.name,
        fn.questionToken,
        fn.typeParameters,
        parameters,
        fn.type,
        body,
      );
    case ts.SyntaxKind.Constructor:
      return f.updateConstructorDeclaration(fn, modifiers, parameters, body);
    case ts.SyntaxKind.GetAccessor:
      return f.updateGetAccessorDeclaration(fn, modifiers, fn.name, parameters, fn.type, body);
    case ts.SyntaxKind.SetAccessor:
      return f.updateSetAccessorDeclaration(fn, modifiers, fn.name, parameters, body);
  }
}
