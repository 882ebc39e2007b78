/**
 * Which functions of a source file are profiled. A pure function of the syntax tree; four ways to ask:
 *
 *   @profile            a decorator on a class method (TC39 standard or legacy experimentalDecorators)
 *   profile(fn)         hog's wrapper around a function or arrow (or the name of one in the same file)
 *   // @profile         a comment above a function, method, or `const f = () => ...`
 *   --function NAME     any function, method or function-valued variable of that name
 *
 * `profile` is recognised as imported from 'hog' (under any alias, or through a namespace such as
 * `hog.profile`, also in compiled CommonJS `(0, hog_1.profile)(...)`), and as a plain `profile`.
 */
import ts from 'typescript';

export type SelectReason = 'decorator' | 'wrapper' | 'comment' | 'name';

export type ProfilableFunction =
  | ts.FunctionDeclaration
  | ts.FunctionExpression
  | ts.ArrowFunction
  | ts.MethodDeclaration
  | ts.ConstructorDeclaration
  | ts.GetAccessorDeclaration
  | ts.SetAccessorDeclaration;

export interface Selected {
  node: ProfilableFunction;
  name: string;
  reason: SelectReason;
  /** 1-based lines: where the table starts (decorator/comment), the signature, the end. */
  startLine: number;
  headerLine: number;
  endLine: number;
}

export interface SelectOptions {
  /** --function values: "work" matches any function or method named work, "Worker.work" one method. */
  functionNames?: readonly string[];
}

const PROFILE_COMMENT = /^\/\/\s*@profile\b|^\/\*+\s*@profile\b|^\/\*\*[\s\S]*?^\s*\*\s*@profile\b/m;

export function isProfilable(node: ts.Node): node is ProfilableFunction {
  return (
    (ts.isFunctionDeclaration(node) ||
      ts.isFunctionExpression(node) ||
      ts.isArrowFunction(node) ||
      ts.isMethodDeclaration(node) ||
      ts.isConstructorDeclaration(node) ||
      ts.isGetAccessorDeclaration(node) ||
      ts.isSetAccessorDeclaration(node)) &&
    node.body !== undefined
  );
}

/** The local names under which this file can reach hog's profile (and hog's namespace). */
interface ProfileBindings {
  names: Set<string>;
  namespaces: Set<string>;
}

function isHogModule(node: ts.Node | undefined): boolean {
  return node !== undefined && ts.isStringLiteral(node) && node.text === 'hog';
}

function isRequireHog(node: ts.Node | undefined): boolean {
  if (node === undefined) return false;
  while (ts.isParenthesizedExpression(node)) node = node.expression;
  return (
    ts.isCallExpression(node) &&
    ts.isIdentifier(node.expression) &&
    node.expression.text === 'require' &&
    isHogModule(node.arguments[0])
  );
}

function findBindings(sf: ts.SourceFile): ProfileBindings {
  const names = new Set<string>(['profile']);
  const namespaces = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && isHogModule(node.moduleSpecifier)) {
      const bindings = node.importClause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) namespaces.add(bindings.name.text);
      if (bindings && ts.isNamedImports(bindings)) {
        for (const element of bindings.elements) {
          if ((element.propertyName ?? element.name).text === 'profile') names.add(element.name.text);
        }
      }
    } else if (ts.isImportEqualsDeclaration(node)) {
      const ref = node.moduleReference;
      if (ts.isExternalModuleReference(ref) && isHogModule(ref.expression)) namespaces.add(node.name.text);
    } else if (ts.isVariableDeclaration(node) && isRequireHog(node.initializer)) {
      if (ts.isIdentifier(node.name)) namespaces.add(node.name.text);
      else if (ts.isObjectBindingPattern(node.name)) {
        for (const element of node.name.elements) {
          const key = element.propertyName ?? element.name;
          if (ts.isIdentifier(key) && key.text === 'profile' && ts.isIdentifier(element.name)) {
            names.add(element.name.text);
          }
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { names, namespaces };
}

/** `profile`, `alias`, `hog.profile`, `(0, hog_1.profile)`. */
function isProfileRef(expression: ts.Expression, bindings: ProfileBindings): boolean {
  let e = expression;
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.CommaToken) e = e.right;
  if (ts.isIdentifier(e)) return bindings.names.has(e.text);
  return (
    ts.isPropertyAccessExpression(e) &&
    e.name.text === 'profile' &&
    ts.isIdentifier(e.expression) &&
    bindings.namespaces.has(e.expression.text)
  );
}

function propertyNameText(name: ts.PropertyName | ts.BindingName | undefined): string | undefined {
  if (name === undefined) return undefined;
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return undefined;
}

function className(node: ts.Node): string | undefined {
  const parent = node.parent;
  if (parent && ts.isClassLike(parent)) {
    if (parent.name) return parent.name.text;
    const holder = parent.parent;
    if (holder && ts.isVariableDeclaration(holder)) return propertyNameText(holder.name);
    return '(anonymous class)';
  }
  return undefined;
}

/**
 * The node whose leading comments and name describe a function expression: `const f = () => ...`,
 * `f: function () {}`, `handler = () => ...` in a class, `exports.f = function () {}`,
 * `export default () => ...`, and the same through a `profile(...)` call around the function.
 */
function carrierOf(node: ts.Node, bindings: ProfileBindings): ts.Node {
  let current = node;
  for (;;) {
    const parent = current.parent;
    if (!parent) return current;
    if (
      ts.isParenthesizedExpression(parent) ||
      ts.isAsExpression(parent) ||
      ts.isSatisfiesExpression(parent)
    ) {
      current = parent;
    } else if (ts.isCallExpression(parent) && isProfileRef(parent.expression, bindings)) {
      current = parent;
    } else if (ts.isVariableDeclaration(parent) && parent.initializer === current) {
      const list = parent.parent;
      const statement = list?.parent;
      // the comment sits above the statement when this is its first declaration
      return statement &&
        ts.isVariableStatement(statement) &&
        statement.declarationList.declarations[0] === parent
        ? statement
        : parent;
    } else if (
      (ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) &&
      parent.initializer === current
    ) {
      return parent;
    } else if (
      ts.isBinaryExpression(parent) &&
      parent.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      parent.right === current
    ) {
      return parent.parent && ts.isExpressionStatement(parent.parent) ? parent.parent : parent;
    } else if (ts.isExportAssignment(parent)) {
      return parent;
    } else {
      return current;
    }
  }
}

function nameOf(fn: ProfilableFunction, bindings: ProfileBindings): string {
  if (ts.isConstructorDeclaration(fn)) return `${className(fn) ?? '(class)'}.constructor`;
  if (ts.isMethodDeclaration(fn) || ts.isGetAccessorDeclaration(fn) || ts.isSetAccessorDeclaration(fn)) {
    const member = propertyNameText(fn.name) ?? '[computed]';
    const owner = className(fn);
    return owner ? `${owner}.${member}` : member;
  }
  if (ts.isFunctionDeclaration(fn)) return fn.name?.text ?? 'default';
  if (ts.isFunctionExpression(fn) && fn.name) return fn.name.text;
  const carrier = carrierOf(fn, bindings);
  if (ts.isVariableStatement(carrier)) {
    return propertyNameText(carrier.declarationList.declarations[0]?.name) ?? '(anonymous)';
  }
  if (ts.isVariableDeclaration(carrier)) return propertyNameText(carrier.name) ?? '(anonymous)';
  if (ts.isPropertyAssignment(carrier)) return propertyNameText(carrier.name) ?? '(anonymous)';
  if (ts.isPropertyDeclaration(carrier)) {
    const member = propertyNameText(carrier.name) ?? '[computed]';
    const owner = className(carrier);
    return owner ? `${owner}.${member}` : member;
  }
  const assignment = ts.isExpressionStatement(carrier) ? carrier.expression : carrier;
  if (ts.isBinaryExpression(assignment) && ts.isPropertyAccessExpression(assignment.left)) {
    return assignment.left.name.text;
  }
  if (ts.isExportAssignment(carrier)) return 'default';
  return '(anonymous)';
}

function profileComment(node: ts.Node, sf: ts.SourceFile): number | undefined {
  const ranges = ts.getLeadingCommentRanges(sf.text, node.pos) ?? [];
  for (const range of ranges) {
    if (PROFILE_COMMENT.test(sf.text.slice(range.pos, range.end))) return range.pos;
  }
  return undefined;
}

function lineOf(sf: ts.SourceFile, pos: number): number {
  return sf.getLineAndCharacterOfPosition(pos).line + 1;
}

/** The position of the function's signature: its name when it has one, else where it starts. */
export function headerPosition(fn: ProfilableFunction, sf: ts.SourceFile): number {
  if (ts.isConstructorDeclaration(fn)) {
    const keyword = fn.getChildren(sf).find((c) => c.kind === ts.SyntaxKind.ConstructorKeyword);
    return (keyword ?? fn).getStart(sf);
  }
  const name = (fn as { name?: ts.Node }).name;
  if (name) return name.getStart(sf);
  if (ts.isArrowFunction(fn)) return (fn.parameters[0] ?? fn.equalsGreaterThanToken).getStart(sf);
  return fn.getStart(sf);
}

function matchesName(name: string, wanted: readonly string[]): boolean {
  if (wanted.length === 0) return false;
  const last = name.slice(name.lastIndexOf('.') + 1);
  return wanted.some((w) => w === name || w === last);
}

export function selectProfiled(sf: ts.SourceFile, options: SelectOptions = {}): Selected[] {
  const bindings = findBindings(sf);
  const wanted = options.functionNames ?? [];
  const selection = new Selection(sf, bindings);
  const byName = new Map<string, ProfilableFunction[]>();
  const wrappedNames: string[] = [];

  const visit = (node: ts.Node): void => {
    if (isProfilable(node)) {
      const name = nameOf(node, bindings);
      const list = byName.get(name) ?? [];
      list.push(node);
      byName.set(name, list);
      selectMarked(node, name, wanted, selection);
    }
    if (ts.isCallExpression(node) && isProfileRef(node.expression, bindings) && node.arguments.length === 1) {
      let argument = node.arguments[0] as ts.Expression;
      while (ts.isParenthesizedExpression(argument)) argument = argument.expression;
      if (isProfilable(argument)) selection.add(argument, 'wrapper', argument.getStart(sf));
      else if (ts.isIdentifier(argument)) wrappedNames.push(argument.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);

  // profile(work) with `work` defined in this file: profile that definition
  for (const name of wrappedNames) {
    const candidates = byName.get(name) ?? [];
    if (candidates.length === 1) {
      const fn = candidates[0] as ProfilableFunction;
      selection.add(fn, 'wrapper', fn.getStart(sf));
    }
  }
  return selection.sorted();
}

/** A function marked where it stands: an @profile decorator, a // @profile comment, a --function name. */
function selectMarked(
  fn: ProfilableFunction,
  name: string,
  wanted: readonly string[],
  selection: Selection,
): void {
  const { sf, bindings } = selection;
  const decorator = ts.canHaveDecorators(fn)
    ? ts.getDecorators(fn)?.find((d) => isProfileRef(d.expression, bindings))
    : undefined;
  if (decorator) selection.add(fn, 'decorator', decorator.getStart(sf));
  const carrier = ts.isFunctionExpression(fn) || ts.isArrowFunction(fn) ? carrierOf(fn, bindings) : fn;
  const comment = profileComment(carrier, sf);
  if (comment !== undefined) selection.add(fn, 'comment', comment);
  if (matchesName(name, wanted)) selection.add(fn, 'name', fn.getStart(sf));
}

/**
 * The functions selected so far. A function selected twice keeps its first reason, and its table
 * starts at the earliest of its markers.
 */
class Selection {
  private readonly found = new Map<ProfilableFunction, Selected>();

  constructor(
    readonly sf: ts.SourceFile,
    readonly bindings: ProfileBindings,
  ) {}

  add(fn: ProfilableFunction, reason: SelectReason, markerPos: number): void {
    const { sf } = this;
    const existing = this.found.get(fn);
    const startLine = lineOf(sf, Math.min(markerPos, fn.getStart(sf)));
    if (existing) {
      existing.startLine = Math.min(existing.startLine, startLine);
      return;
    }
    this.found.set(fn, {
      node: fn,
      name: nameOf(fn, this.bindings),
      reason,
      startLine,
      headerLine: lineOf(sf, headerPosition(fn, sf)),
      endLine: lineOf(sf, fn.end),
    });
  }

  /** In source order. */
  sorted(): Selected[] {
    return [...this.found.values()].sort((a, b) => a.node.pos - b.node.pos);
  }
}
