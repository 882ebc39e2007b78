/**
 * Where the probes go inside one profiled function: before each statement, on each step of a loop's
 * header, around each await and yield. A statement on the same line as the probe just before it gets
 * none of its own, so `if (x) continue;` or `a(); b();` count once per run of the line, as
 * memory_profiler's line events do (its memory goes to the same line either way). The calls themselves
 * are probeCalls.ts's; instrument.ts finds the functions and wraps their bodies.
 */
import ts from 'typescript';
import type { FunctionIdentity } from './functionRecord.js';
import type { ProbeCalls } from './probeCalls.js';
import { isProfilable, type ProfilableFunction } from './select.js';

export interface InstrumentPlan {
  /** The profiled function this node is, or undefined. */
  planFor(node: ProfilableFunction, sf: ts.SourceFile): FunctionIdentity | undefined;
  /** The original 1-based line of a position in this file (identity, or through a source map). */
  lineOf(pos: number, sf: ts.SourceFile): number | undefined;
}

/** while and do...while count through their condition only: nothing runs on their line before it. */
const countsItself = (s: ts.Statement): boolean => ts.isWhileStatement(s) || ts.isDoStatement(s);

export class StatementProbes {
  /**
   * The line of the last node looked at: where a node goes when the source map has no line for it
   * (the statements are visited in source order, so that is the line before it).
   */
  private lastLine: number;
  private readonly f: ts.NodeFactory;

  constructor(
    private readonly context: ts.TransformationContext,
    private readonly sf: ts.SourceFile,
    private readonly plan: InstrumentPlan,
    private readonly identity: FunctionIdentity,
    private readonly calls: ProbeCalls,
    /** The visitor outside profiled functions: nested functions and classes go back to it. */
    private readonly outer: (node: ts.Node) => ts.Node,
  ) {
    this.f = context.factory;
    this.lastLine = identity.headerLine;
  }

  /** The original line of a node; when a source map has no entry (or one outside the function), the line before it. */
  lineAt(node: ts.Node): number {
    const line = this.plan.lineOf(node.getStart(this.sf), this.sf);
    const { startLine, endLine } = this.identity;
    if (line !== undefined && line >= startLine && line <= endLine) this.lastLine = line;
    return this.lastLine;
  }

  private lineOf(pos: number): number | undefined {
    return this.plan.lineOf(pos, this.sf);
  }

  /** Expressions inside the function: await/yield bracketed, nested functions to `outer`. */
  private readonly inner = (node: ts.Node): ts.Node => {
    if (isProfilable(node) || ts.isClassLike(node)) return this.outer(node);
    if (ts.isAwaitExpression(node)) {
      return this.calls.awaited(node, ts.visitNode(node.expression, this.inner) as ts.Expression);
    }
    if (ts.isYieldExpression(node)) {
      const operand = node.expression
        ? (ts.visitNode(node.expression, this.inner) as ts.Expression)
        : undefined;
      return this.calls.yielded(node, operand);
    }
    return ts.visitEachChild(node, this.inner, this.context);
  };

  expression<T extends ts.Node>(node: T): T {
    return ts.visitNode(node, this.inner) as T;
  }

  private optionalExpression<T extends ts.Node>(node: T | undefined): T | undefined {
    return node === undefined ? undefined : this.expression(node);
  }

  /**
   * A statement list. `lead` is the line of the probe that runs right before the first statement (a
   * loop or if header).
   */
  statements(list: readonly ts.Statement[], lead?: number): ts.Statement[] {
    let previous = lead;
    return list.flatMap((s) => {
      const start = this.lineAt(s);
      const out = this.statement(s, start === previous);
      previous = start === this.lineOf(s.end) ? start : undefined;
      return out;
    });
  }

  private block(b: ts.Block, lead?: number): ts.Block {
    return this.f.updateBlock(b, this.statements(b.statements, lead));
  }

  /** A loop or if body as a block (a single statement gets braces so a probe can precede it). */
  private body(s: ts.Statement, lead: number, leadingProbe = false): ts.Statement {
    const list = ts.isBlock(s) ? s.statements : [s];
    const inside = this.statements(list, lead);
    const withProbe = leadingProbe ? [this.calls.lineStatement(lead), ...inside] : inside;
    return ts.isBlock(s) ? this.f.updateBlock(s, withProbe) : this.f.createBlock(withProbe, true);
  }

  /** One statement: its probe (unless `quiet`: the probe before it was on its line) and itself. */
  private statement(s: ts.Statement, quiet = false): ts.Statement[] {
    switch (s.kind) {
      case ts.SyntaxKind.FunctionDeclaration:
        return [this.outer(s) as ts.Statement]; // hoisted: nothing runs where it is written
      case ts.SyntaxKind.InterfaceDeclaration:
      case ts.SyntaxKind.TypeAliasDeclaration:
      case ts.SyntaxKind.EmptyStatement:
        return [s];
      case ts.SyntaxKind.Block:
        return [this.block(s as ts.Block)];
    }
    if (ts.canHaveModifiers(s) && ts.getModifiers(s)?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword)) {
      return [s];
    }
    const line = this.lineAt(s);
    const lead = (node: ts.Statement): ts.Statement[] =>
      quiet ? [node] : [this.calls.lineStatement(line), node];
    if (ts.isIterationStatement(s, false))
      return countsItself(s) ? [this.loop(s, line)] : lead(this.loop(s, line));
    if (ts.isLabeledStatement(s)) return this.labeled(s, line, lead);
    return lead(this.compound(s, line));
  }

  /** An if, switch or try with its branches; any other statement with its expressions. */
  private compound(s: ts.Statement, line: number): ts.Statement {
    const f = this.f;
    if (ts.isIfStatement(s)) {
      const elseBranch = s.elseStatement ? this.body(s.elseStatement, line) : undefined;
      return f.updateIfStatement(
        s,
        this.expression(s.expression),
        this.body(s.thenStatement, line),
        elseBranch,
      );
    }
    if (ts.isSwitchStatement(s)) {
      const clauses = s.caseBlock.clauses.map((c) =>
        ts.isCaseClause(c)
          ? f.updateCaseClause(c, this.expression(c.expression), this.statements(c.statements))
          : f.updateDefaultClause(c, this.statements(c.statements)),
      );
      return f.updateSwitchStatement(
        s,
        this.expression(s.expression),
        f.updateCaseBlock(s.caseBlock, clauses),
      );
    }
    if (ts.isTryStatement(s)) {
      const handler = s.catchClause
        ? f.updateCatchClause(
            s.catchClause,
            s.catchClause.variableDeclaration,
            this.block(s.catchClause.block),
          )
        : undefined;
      const finalizer = s.finallyBlock ? this.block(s.finallyBlock) : undefined;
      return f.updateTryStatement(s, this.block(s.tryBlock, line), handler, finalizer);
    }
    return this.expression(s);
  }

  /** The probe goes before the label: between label and loop it would break `continue label`. */
  private labeled(
    s: ts.LabeledStatement,
    line: number,
    lead: (node: ts.Statement) => ts.Statement[],
  ): ts.Statement[] {
    const target = s.statement;
    if (ts.isIterationStatement(target, false)) {
      const labelled = this.f.updateLabeledStatement(s, s.label, this.loop(target, line));
      return countsItself(target) ? [labelled] : lead(labelled);
    }
    const inner = this.statement(target, true);
    const labelled = inner.length === 1 ? (inner[0] as ts.Statement) : this.f.createBlock(inner, true);
    return lead(this.f.updateLabeledStatement(s, s.label, labelled));
  }

  /**
   * A loop statement with its per-step probes, without the probe that precedes it. Loop headers count
   * once per step, as memory_profiler counts a `for` line (n + 1 for n iterations): `for (;;)` through
   * its increment, `while` through its condition, `for...of` through the iterator.
   */
  private loop(s: ts.IterationStatement, line: number): ts.Statement {
    const f = this.f;
    if (ts.isForStatement(s)) {
      // the next step only counts (frame.step): `i++; i < n` allocates nothing, and a reading per step
      // would double the cost of a tight loop
      const count = this.calls.step(line);
      const step = s.incrementor ? f.createComma(count, this.expression(s.incrementor)) : count;
      const init = this.optionalExpression(s.initializer);
      const condition = this.optionalExpression(s.condition);
      return f.updateForStatement(s, init, condition, step, this.body(s.statement, line));
    }
    if (ts.isForOfStatement(s)) {
      const source = this.calls.forOf(line, this.expression(s.expression), s.awaitModifier !== undefined);
      const initializer = this.expression(s.initializer);
      return f.updateForOfStatement(s, s.awaitModifier, initializer, source, this.body(s.statement, line));
    }
    if (ts.isForInStatement(s)) {
      // no iterator to hook: the header is counted at the start of each step
      const initializer = this.expression(s.initializer);
      const object = this.expression(s.expression);
      return f.updateForInStatement(s, initializer, object, this.body(s.statement, line, true));
    }
    if (ts.isWhileStatement(s)) {
      const condition = f.createComma(this.calls.line(line), this.expression(s.expression));
      return f.updateWhileStatement(s, condition, this.body(s.statement, line));
    }
    const d = s as ts.DoStatement;
    const conditionLine = this.lineAt(d.expression);
    const loopBody = this.body(d.statement, Number.NaN);
    return f.updateDoStatement(
      d,
      loopBody,
      f.createComma(this.calls.line(conditionLine), this.expression(d.expression)),
    );
  }
}
