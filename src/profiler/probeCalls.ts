/**
 * The probe protocol as instrumented code speaks it: the calls a profiled function makes to its frame
 * (frame.ts), built as TypeScript nodes. With `__hogF` the frame:
 *
 *   const __hogF = globalThis[Symbol.for("hog.profiler")].enter(path, start, end, header, name);
 *   try { ... } finally { __hogF.exit(); }
 *   __hogF.line(n)                              before a statement on line n
 *   __hogF.step(n)                              a `for (;;)` header's next step (counted, not measured)
 *   __hogF.resumeAwait(await __hogF.suspend(x)) an await; yield goes through resumeYield alike
 *   __hogF.forOf(n, xs), __hogF.forAwaitOf(n, xs)  the source of a for...of (a step per item)
 *
 * The names are the frame's methods (checked by the compiler); their length costs nothing at run time
 * (a call site's inline cache holds the method, not its name).
 */
import ts from 'typescript';
import type { Frame } from './frame.js';
import type { FunctionIdentity } from './functionRecord.js';

/** The frame's name in instrumented code (profile.ts tells instrumented source by it). */
export const FRAME = '__hogF';

/** What the runtime registers itself under (runtime.ts): `globalThis[Symbol.for(...)]`. */
const RUNTIME_SYMBOL = 'hog.profiler';

export class ProbeCalls {
  constructor(private readonly f: ts.NodeFactory) {}

  /** `__hogF.method(args)`. */
  call(method: keyof Frame, args: ts.Expression[]): ts.CallExpression {
    const f = this.f;
    return f.createCallExpression(
      f.createPropertyAccessExpression(f.createIdentifier(FRAME), method),
      undefined,
      args,
    );
  }

  /** The probe before a statement (or a loop's next step) on `line`. */
  line(line: number): ts.CallExpression {
    return this.call('line', [this.f.createNumericLiteral(line)]);
  }

  lineStatement(line: number): ts.Statement {
    return this.f.createExpressionStatement(this.line(line));
  }

  /** A `for (;;)` header's next step on `line`, counted without a reading. */
  step(line: number): ts.CallExpression {
    return this.call('step', [this.f.createNumericLiteral(line)]);
  }

  /** `await x` as `__hogF.resumeAwait(await __hogF.suspend(x))`. */
  awaited(node: ts.AwaitExpression, operand: ts.Expression): ts.Expression {
    return this.call('resumeAwait', [this.f.updateAwaitExpression(node, this.call('suspend', [operand]))]);
  }

  /** `yield x` as `__hogF.resumeYield(yield __hogF.suspend(x))`. */
  yielded(node: ts.YieldExpression, operand: ts.Expression | undefined): ts.Expression {
    const suspended = this.call('suspend', operand ? [operand] : []);
    return this.call('resumeYield', [this.f.updateYieldExpression(node, node.asteriskToken, suspended)]);
  }

  /** The source of a for...of on `line`, walked through the frame. */
  forOf(line: number, iterable: ts.Expression, isAwait: boolean): ts.Expression {
    return this.call(isAwait ? 'forAwaitOf' : 'forOf', [this.f.createNumericLiteral(line), iterable]);
  }

  /** `const __hogF = globalThis[Symbol.for("hog.profiler")].enter(path, start, end, header, name);` */
  enter(identity: FunctionIdentity): ts.Statement {
    const f = this.f;
    const runtime = f.createElementAccessExpression(
      f.createIdentifier('globalThis'),
      f.createCallExpression(
        f.createPropertyAccessExpression(f.createIdentifier('Symbol'), 'for'),
        undefined,
        [f.createStringLiteral(RUNTIME_SYMBOL)],
      ),
    );
    const enter = f.createCallExpression(f.createPropertyAccessExpression(runtime, 'enter'), undefined, [
      f.createStringLiteral(identity.path),
      f.createNumericLiteral(identity.startLine),
      f.createNumericLiteral(identity.endLine),
      f.createNumericLiteral(identity.headerLine),
      f.createStringLiteral(identity.name),
    ]);
    return f.createVariableStatement(
      undefined,
      f.createVariableDeclarationList(
        [f.createVariableDeclaration(FRAME, undefined, undefined, enter)],
        ts.NodeFlags.Const,
      ),
    );
  }

  /** `try { statements } finally { __hogF.exit(); }`: the frame ends on return and throw alike. */
  guarded(statements: ts.Statement[]): ts.Statement {
    const f = this.f;
    return f.createTryStatement(
      f.createBlock(statements, true),
      undefined,
      f.createBlock([f.createExpressionStatement(this.call('exit', []))], false),
    );
  }
}
