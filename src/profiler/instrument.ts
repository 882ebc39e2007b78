/**
 * The instrumentation: a TypeScript transformer that rewrites each profiled function so that a memory
 * probe runs before every statement (see frame.ts for what the probes measure):
 *
 *   function work(n) {                    function work(n) {
 *     const a = [];                         const __hogF = globalThis[Symbol.for("hog.profiler")].enter(...);
 *     for (let i = 0; i < n; i++) {   =>    try {
 *       a.push(i);                            __hogF.l(2); const a = [];
 *     }                                       __hogF.l(3); for (let i = 0; i < n; __hogF.c(3), i++) {
 *     return a;                                 __hogF.l(4); a.push(i);
 *   }                                         }
 *                                             __hogF.l(6); return a;
 *                                           } finally { __hogF.x(); }
 *                                         }
 *
 * Loop headers count once per step, as memory_profiler counts a `for` line (n + 1 for n iterations):
 * `for(;;)` through its increment (counted, not measured: see frame.c), `while` through its
 * condition, `for...of` through the iterator (frame.it). `await x` becomes `__hogF.a(await __hogF.s(x))` and `yield` likewise, so that memory other
 * code allocates while the call is suspended is not charged to the line. Nested functions are left
 * alone unless they are profiled themselves (then they get their own frame): what they allocate when
 * called from a line is that line's, as in memory_profiler. Inserted nodes carry no source position,
 * so the emitted source map still maps every original token exactly.
 */
import ts from 'typescript';
import type { FunctionIdentity } from './functionRecord.js';
import { isProfilable, type ProfilableFunction } from './select.js';

export const FRAME = '__hogF';

export interface InstrumentPlan {
  /** The profiled function this node is, or undefined. */
  planFor(node: ProfilableFunction, sf: ts.SourceFile): FunctionIdentity | undefined;
  /** The original 1-based line of a position in this file (identity, or through a source map). */
  lineOf(pos: number, sf: ts.SourceFile): number | undefined;
}

export function profilerTransformer(plan: InstrumentPlan): ts.TransformerFactory<ts.SourceFile> {
  return (context) => (sf) => {
    const f = context.factory;

    const frameCall = (method: string, args: ts.Expression[]): ts.CallExpression =>
      f.createCallExpression(
        f.createPropertyAccessExpression(f.createIdentifier(FRAME), method),
        undefined,
        args,
      );
    const probe = (line: number): ts.CallExpression => frameCall('l', [f.createNumericLiteral(line)]);
    const probeStatement = (line: number): ts.Statement => f.createExpressionStatement(probe(line));

    /** Everything outside profiled functions: find them, anywhere (nested in anything). */
    const outer = (node: ts.Node): ts.Node => {
      if (isProfilable(node)) {
        const identity = plan.planFor(node, sf);
        if (identity) return instrumentFunction(node, identity);
      }
      return ts.visitEachChild(node, outer, context);
    };

    function instrumentFunction(fn: ProfilableFunction, identity: FunctionIdentity): ts.Node {
      const clamp = (line: number | undefined, fallback: number): number =>
        line === undefined || line < identity.startLine || line > identity.endLine ? fallback : line;
      let lastLine = identity.headerLine;
      /** The original line of a node; when a source map has no entry, the line before it. */
      const lineAt = (node: ts.Node): number => {
        lastLine = clamp(plan.lineOf(node.getStart(sf), sf), lastLine);
        return lastLine;
      };

      /** Expressions inside the function: await/yield bracketed, nested functions to `outer`. */
      const inner = (node: ts.Node): ts.Node => {
        if (isProfilable(node) || ts.isClassLike(node)) return outer(node);
        if (ts.isAwaitExpression(node)) {
          const operand = ts.visitNode(node.expression, inner) as ts.Expression;
          return frameCall('a', [f.updateAwaitExpression(node, frameCall('s', [operand]))]);
        }
        if (ts.isYieldExpression(node)) {
          const operand = node.expression
            ? (ts.visitNode(node.expression, inner) as ts.Expression)
            : undefined;
          return frameCall('r', [
            f.updateYieldExpression(node, node.asteriskToken, frameCall('s', operand ? [operand] : [])),
          ]);
        }
        return ts.visitEachChild(node, inner, context);
      };
      const expr = <T extends ts.Node>(node: T): T => ts.visitNode(node, inner) as T;
      const optionalExpr = <T extends ts.Node>(node: T | undefined): T | undefined =>
        node === undefined ? undefined : expr(node);

      /**
       * A statement list. `lead` is the line of the probe that runs right before the first statement
       * (a loop or if header); a statement on the same line as the probe before it gets none of its
       * own, so `if (x) continue;` or `a(); b();` count once per run of the line, as memory_profiler's
       * line events do. Its memory goes to the same line either way.
       */
      const statements = (list: readonly ts.Statement[], lead?: number): ts.Statement[] => {
        let previous = lead;
        return list.flatMap((s) => {
          const start = lineAt(s);
          const out = statement(s, start === previous);
          previous = start === lineOf(s.end) ? start : undefined;
          return out;
        });
      };
      const lineOf = (pos: number): number | undefined => plan.lineOf(pos, sf);
      const block = (b: ts.Block, lead?: number): ts.Block =>
        f.updateBlock(b, statements(b.statements, lead));
      /** A loop or if body as a block (a single statement gets braces so a probe can precede it). */
      const body = (s: ts.Statement, lead: number, leadingProbe = false): ts.Statement => {
        const list = ts.isBlock(s) ? s.statements : [s];
        const inside = statements(list, lead);
        const withProbe = leadingProbe ? [probeStatement(lead), ...inside] : inside;
        return ts.isBlock(s) ? f.updateBlock(s, withProbe) : f.createBlock(withProbe, true);
      };

      /** A loop statement with its per-step probes, without the probe that precedes it. */
      const loop = (s: ts.IterationStatement, line: number): ts.Statement => {
        if (ts.isForStatement(s)) {
          // the next step only counts (frame.c): `i++; i < n` allocates nothing, and a reading per step
          // would double the cost of a tight loop
          const count = frameCall('c', [f.createNumericLiteral(line)]);
          const step = s.incrementor ? f.createComma(count, expr(s.incrementor)) : count;
          const init = optionalExpr(s.initializer);
          return f.updateForStatement(s, init, optionalExpr(s.condition), step, body(s.statement, line));
        }
        if (ts.isForOfStatement(s)) {
          const method = s.awaitModifier ? 'ait' : 'it';
          const source = frameCall(method, [f.createNumericLiteral(line), expr(s.expression)]);
          return f.updateForOfStatement(
            s,
            s.awaitModifier,
            expr(s.initializer),
            source,
            body(s.statement, line),
          );
        }
        if (ts.isForInStatement(s)) {
          // no iterator to hook: the header is counted at the start of each step
          return f.updateForInStatement(
            s,
            expr(s.initializer),
            expr(s.expression),
            body(s.statement, line, true),
          );
        }
        if (ts.isWhileStatement(s)) {
          return f.updateWhileStatement(
            s,
            f.createComma(probe(line), expr(s.expression)),
            body(s.statement, line),
          );
        }
        const d = s as ts.DoStatement;
        const conditionLine = lineAt(d.expression);
        const loopBody = body(d.statement, Number.NaN);
        return f.updateDoStatement(d, loopBody, f.createComma(probe(conditionLine), expr(d.expression)));
      };
      /** while and do...while count through their condition only: nothing runs on their line before it. */
      const countsItself = (s: ts.Statement): boolean => ts.isWhileStatement(s) || ts.isDoStatement(s);

      /** One statement: its probe (unless `quiet`: the probe before it was on its line) and itself. */
      function statement(s: ts.Statement, quiet = false): ts.Statement[] {
        switch (s.kind) {
          case ts.SyntaxKind.FunctionDeclaration:
            return [outer(s) as ts.Statement]; // hoisted: nothing runs where it is written
          case ts.SyntaxKind.InterfaceDeclaration:
          case ts.SyntaxKind.TypeAliasDeclaration:
          case ts.SyntaxKind.EmptyStatement:
            return [s];
          case ts.SyntaxKind.Block:
            return [block(s as ts.Block)];
        }
        if (
          ts.canHaveModifiers(s) &&
          ts.getModifiers(s)?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword)
        ) {
          return [s];
        }
        const line = lineAt(s);
        const lead = (node: ts.Statement): ts.Statement[] => (quiet ? [node] : [probeStatement(line), node]);
        if (ts.isIfStatement(s)) {
          const elseBranch = s.elseStatement ? body(s.elseStatement, line) : undefined;
          return lead(f.updateIfStatement(s, expr(s.expression), body(s.thenStatement, line), elseBranch));
        }
        if (ts.isIterationStatement(s, false)) {
          return countsItself(s) ? [loop(s, line)] : lead(loop(s, line));
        }
        if (ts.isLabeledStatement(s)) {
          // the probe goes before the label: between label and loop it would break `continue label`
          const target = s.statement;
          if (ts.isIterationStatement(target, false)) {
            const labelled = f.updateLabeledStatement(s, s.label, loop(target, line));
            return countsItself(target) ? [labelled] : lead(labelled);
          }
          const inner = statement(target, true);
          const labelled = inner.length === 1 ? (inner[0] as ts.Statement) : f.createBlock(inner, true);
          return lead(f.updateLabeledStatement(s, s.label, labelled));
        }
        if (ts.isSwitchStatement(s)) {
          const clauses = s.caseBlock.clauses.map((c) =>
            ts.isCaseClause(c)
              ? f.updateCaseClause(c, expr(c.expression), statements(c.statements))
              : f.updateDefaultClause(c, statements(c.statements)),
          );
          return lead(
            f.updateSwitchStatement(s, expr(s.expression), f.updateCaseBlock(s.caseBlock, clauses)),
          );
        }
        if (ts.isTryStatement(s)) {
          const handler = s.catchClause
            ? f.updateCatchClause(
                s.catchClause,
                s.catchClause.variableDeclaration,
                block(s.catchClause.block),
              )
            : undefined;
          const finalizer = s.finallyBlock ? block(s.finallyBlock) : undefined;
          return lead(f.updateTryStatement(s, block(s.tryBlock, line), handler, finalizer));
        }
        return lead(expr(s));
      }

      // The body: directives stay first, then the frame, then the statements inside try/finally.
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
        instrumented = statements(list.slice(n));
      } else {
        instrumented = [probeStatement(lineAt(source)), f.createReturnStatement(expr(source))];
      }
      const enter = f.createCallExpression(
        f.createPropertyAccessExpression(
          f.createElementAccessExpression(
            f.createIdentifier('globalThis'),
            f.createCallExpression(
              f.createPropertyAccessExpression(f.createIdentifier('Symbol'), 'for'),
              undefined,
              [f.createStringLiteral('hog.profiler')],
            ),
          ),
          'enter',
        ),
        undefined,
        [
          f.createStringLiteral(identity.path),
          f.createNumericLiteral(identity.startLine),
          f.createNumericLiteral(identity.endLine),
          f.createNumericLiteral(identity.headerLine),
          f.createStringLiteral(identity.name),
        ],
      );
      const newBody = f.createBlock(
        [
          ...prologue,
          f.createVariableStatement(
            undefined,
            f.createVariableDeclarationList(
              [f.createVariableDeclaration(FRAME, undefined, undefined, enter)],
              ts.NodeFlags.Const,
            ),
          ),
          f.createTryStatement(
            f.createBlock(instrumented, true),
            undefined,
            f.createBlock([f.createExpressionStatement(frameCall('x', []))], false),
          ),
        ],
        true,
      );
      return updateBody(f, fn, newBody, outer);
    }

    return ts.visitNode(sf, outer) as ts.SourceFile;
  };
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
  const modifiers = visitList(fn.modifiers as ts.NodeArray<ts.ModifierLike> | undefined);
  const parameters = visitList(fn.parameters) as ts.NodeArray<ts.ParameterDeclaration>;
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
