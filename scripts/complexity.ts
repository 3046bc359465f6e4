/**
 * npx tsx scripts/complexity.ts [paths…] [--top N] [--json]
 *
 * Size and cyclomatic complexity of TypeScript sources, to measure the answering code before and after a
 * refactor (issue 14 asks for engine size and the largest function's complexity). Per file: its lines, its
 * classes with their lines, and the N functions with the highest complexity; then the N highest overall.
 *
 * Complexity of one function = 1 + one per decision point in its own body: `if` (so each `else if`),
 * `?:`, `&&`, `||`, `??` (and `&&=`, `||=`, `??=`), each `case` (not `default`), `for`/`for…in`/`for…of`/
 * `while`/`do`, `catch`. A nested function or class method is counted on its own, never in its parent.
 * The TypeScript compiler API parses the files (a devDependency already), so the figures follow the language,
 * not a regex over the text. A callback without a name of its own is shown as "<enclosing>/<anonymous>".
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import ts from 'typescript';
import { exitWhenFlushed } from './exit.js';

export interface FunctionReport {
  /** "Class.method", "name" of a declaration or of the variable/property an arrow is bound to, else "<anonymous>". */
  name: string;
  line: number;
  lines: number;
  complexity: number;
}

export interface ClassReport {
  name: string;
  line: number;
  lines: number;
}

export interface FileReport {
  file: string;
  lines: number;
  classes: ClassReport[];
  functions: FunctionReport[];
}

type FunctionNode = ts.FunctionLikeDeclaration;

function isFunctionNode(node: ts.Node): node is FunctionNode {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isArrowFunction(node) ||
    ts.isFunctionExpression(node) ||
    ts.isConstructorDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node)
  );
}

const LOGICAL = new Set<ts.SyntaxKind>([
  ts.SyntaxKind.AmpersandAmpersandToken,
  ts.SyntaxKind.BarBarToken,
  ts.SyntaxKind.QuestionQuestionToken,
  ts.SyntaxKind.AmpersandAmpersandEqualsToken,
  ts.SyntaxKind.BarBarEqualsToken,
  ts.SyntaxKind.QuestionQuestionEqualsToken,
]);

/** Decision points a node adds to the function that owns it. */
function decisions(node: ts.Node): number {
  switch (node.kind) {
    case ts.SyntaxKind.IfStatement:
    case ts.SyntaxKind.ConditionalExpression:
    case ts.SyntaxKind.CaseClause:
    case ts.SyntaxKind.ForStatement:
    case ts.SyntaxKind.ForInStatement:
    case ts.SyntaxKind.ForOfStatement:
    case ts.SyntaxKind.WhileStatement:
    case ts.SyntaxKind.DoStatement:
    case ts.SyntaxKind.CatchClause:
      return 1;
    case ts.SyntaxKind.BinaryExpression:
      return LOGICAL.has((node as ts.BinaryExpression).operatorToken.kind) ? 1 : 0;
    default:
      return 0;
  }
}

function propertyName(name: ts.PropertyName | ts.BindingName | undefined, sf: ts.SourceFile): string | undefined {
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return name.getText(sf);
}

function functionName(fn: FunctionNode, sf: ts.SourceFile): string {
  const owner = fn.parent && (ts.isClassDeclaration(fn.parent) || ts.isClassExpression(fn.parent)) ? (fn.parent.name?.text ?? '<class>') : undefined;
  const qualify = (n: string): string => (owner ? `${owner}.${n}` : n);
  if (ts.isConstructorDeclaration(fn)) return qualify('constructor');
  const own = propertyName(fn.name, sf);
  if (own) return qualify(ts.isGetAccessorDeclaration(fn) ? `get ${own}` : ts.isSetAccessorDeclaration(fn) ? `set ${own}` : own);
  // An arrow or function expression takes the name it is bound to.
  const p = fn.parent;
  if (p && (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p))) {
    const bound = propertyName(p.name, sf);
    if (bound) return ts.isPropertyDeclaration(p) && p.parent && ts.isClassLike(p.parent) ? `${p.parent.name?.text ?? '<class>'}.${bound}` : bound;
  }
  return '<anonymous>';
}

const lineOf = (sf: ts.SourceFile, pos: number): number => sf.getLineAndCharacterOfPosition(pos).line + 1;

/** Lines of a text as an editor numbers them (a final newline does not open another line). */
export function countLines(text: string): number {
  if (text.length === 0) return 0;
  const n = text.split('\n').length;
  return text.endsWith('\n') ? n - 1 : n;
}

/** Size and complexity of one TypeScript source text. */
export function measureSource(file: string, text: string): FileReport {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const functions: FunctionReport[] = [];
  const classes: ClassReport[] = [];

  /** Walks below `node`, adding decision points to the innermost function; nested functions start their own count. */
  const walk = (node: ts.Node, counter: { n: number } | null, enclosing = ''): void => {
    if (ts.isClassDeclaration(node) || ts.isClassExpression(node)) {
      const start = lineOf(sf, node.getStart(sf));
      classes.push({ name: node.name?.text ?? '<class>', line: start, lines: lineOf(sf, node.getEnd()) - start + 1 });
    }
    if (isFunctionNode(node)) {
      const own = { n: 1 };
      // A callback has no name of its own: say where it sits ("rank/<anonymous>").
      const named = functionName(node, sf);
      const name = named === '<anonymous>' && enclosing ? `${enclosing}/<anonymous>` : named;
      node.forEachChild((c) => walk(c, own, name));
      const start = lineOf(sf, node.getStart(sf));
      functions.push({ name, line: start, lines: lineOf(sf, node.getEnd()) - start + 1, complexity: own.n });
      return;
    }
    if (counter) counter.n += decisions(node);
    node.forEachChild((c) => walk(c, counter, enclosing));
  };
  walk(sf, null);
  functions.sort((a, b) => b.complexity - a.complexity || b.lines - a.lines || a.line - b.line);
  return { file, lines: countLines(text), classes, functions };
}

/** Every .ts/.tsx file (not .d.ts) under the given files and folders, sorted, node_modules skipped. */
export function sourceFiles(paths: string[]): string[] {
  const out: string[] = [];
  const visit = (p: string): void => {
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const e of readdirSync(p).sort()) if (e !== 'node_modules' && !e.startsWith('.')) visit(path.join(p, e));
    } else if (/\.tsx?$/.test(p) && !p.endsWith('.d.ts')) out.push(p);
  };
  for (const p of paths) visit(p);
  return out;
}

export function measurePaths(paths: string[]): FileReport[] {
  return sourceFiles(paths).map((f) => measureSource(f, readFileSync(f, 'utf8')));
}

/** The report as text: per file, then the overall top functions and the totals. */
export function formatReport(reports: FileReport[], top: number): string {
  const out: string[] = [];
  for (const r of reports) {
    out.push(`${r.file}  ${r.lines} lines, ${r.functions.length} functions`);
    for (const c of r.classes) out.push(`  class ${c.name}  ${c.lines} lines (line ${c.line})`);
    for (const f of r.functions.slice(0, top)) out.push(`  ${String(f.complexity).padStart(4)}  ${f.name}  (line ${f.line}, ${f.lines} lines)`);
  }
  const all = reports.flatMap((r) => r.functions.map((f) => ({ ...f, file: r.file })));
  all.sort((a, b) => b.complexity - a.complexity || b.lines - a.lines);
  out.push('', `top ${top} functions by complexity:`);
  for (const f of all.slice(0, top)) out.push(`  ${String(f.complexity).padStart(4)}  ${f.name}  ${f.file}:${f.line} (${f.lines} lines)`);
  const lines = reports.reduce((s, r) => s + r.lines, 0);
  const over10 = all.filter((f) => f.complexity > 10).length;
  out.push('', `${reports.length} files, ${lines} lines, ${all.length} functions, ${over10} with complexity > 10`);
  return out.join('\n');
}

function main(): number {
  const program = new Command()
    .name('complexity')
    .argument('[paths...]', 'files or folders (default: src/answer)')
    .option('--top <n>', 'functions shown per file and overall', (v) => Number.parseInt(v, 10), 5)
    .option('--json', 'print the reports as JSON')
    .parse();
  const opts = program.opts<{ top: number; json?: boolean }>();
  if (!Number.isInteger(opts.top) || opts.top < 1) {
    process.stderr.write('complexity: --top must be a positive integer\n');
    return 2;
  }
  const paths = program.args.length > 0 ? program.args : ['src/answer'];
  const missing = paths.filter((p) => {
    try {
      statSync(p);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) {
    process.stderr.write(`complexity: not found: ${missing.join(', ')}\n`);
    return 2;
  }
  const reports = measurePaths(paths);
  process.stdout.write(`${opts.json ? JSON.stringify(reports, null, 2) : formatReport(reports, opts.top)}\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) exitWhenFlushed(main());
