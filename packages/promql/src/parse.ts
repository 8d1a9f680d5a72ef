import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';
import { COMPARISON_OPS, SET_OPS, type AggregateOp, type BinaryOp, type Expr, type MatchType, type Matcher, type ValueType, type VectorMatching, type VectorSelector } from './ast.ts';
import { parseDuration } from './duration.ts';
import { PromqlError } from './errors.ts';
import { FUNCTIONS } from './function-catalog.ts';

// The Prometheus project's own grammar; strict, so a syntax error throws instead of being repaired.
const strictParser = parser.configure({ strict: true });

const AGGREGATES = new Set<AggregateOp>(['sum', 'avg', 'min', 'max', 'count', 'group', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile']);
const BINARY_NODES: Record<string, BinaryOp> = {
  Add: '+',
  Sub: '-',
  Mul: '*',
  Div: '/',
  Mod: '%',
  Pow: '^',
  Atan2: 'atan2',
  Eql: '==',
  Neq: '!=',
  Gtr: '>',
  Lss: '<',
  Gte: '>=',
  Lte: '<=',
  And: 'and',
  Or: 'or',
  Unless: 'unless',
};

/** Parses a PromQL expression into Vigia's syntax tree, refusing what the evaluator does not do. */
export function parsePromql(query: string): Expr {
  if (query.trim() === '') throw new PromqlError('1:1: parse error: no expression found in input');
  let top: SyntaxNode;
  try {
    top = strictParser.parse(query).topNode;
  } catch (error) {
    const at = /No parse at (\d+)/.exec((error as Error).message);
    const pos = at ? Number(at[1]) : 0;
    throw new PromqlError(`${position(query, pos)}: parse error: unexpected ${pos >= query.length ? 'end of input' : `"${query.slice(pos, pos + 10)}"`}`);
  }
  const expr = new Converter(query).expr(top.firstChild!);
  typeOf(expr); // checks argument types throughout
  return expr;
}

function position(query: string, offset: number): string {
  const before = query.slice(0, offset).split('\n');
  return `${before.length}:${before[before.length - 1]!.length + 1}`;
}

function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

class Converter {
  constructor(private readonly query: string) {}

  private text(node: SyntaxNode): string {
    return this.query.slice(node.from, node.to);
  }

  private fail(node: SyntaxNode, message: string): never {
    throw new PromqlError(`${position(this.query, node.from)}: parse error: ${message}`);
  }

  expr(node: SyntaxNode): Expr {
    const kids = children(node);
    switch (node.name) {
      case 'ParenExpr':
        return this.expr(kids[0]!);
      case 'NumberDurationLiteral':
        return { type: 'number', value: this.number(node) };
      case 'StringLiteral':
        return { type: 'string', value: this.string(node) };
      case 'VectorSelector':
        return this.selector(node);
      case 'MatrixSelector': {
        const inner = this.expr(kids[0]!);
        if (inner.type !== 'selector') this.fail(node, 'ranges only allowed for vector selectors');
        if (inner.offset || inner.at !== undefined) this.fail(node, 'no offset or @ modifiers allowed before range');
        return { type: 'matrix', selector: inner, range: this.duration(kids[1]!) };
      }
      case 'OffsetExpr': {
        const inner = this.expr(kids[0]!);
        const target = inner.type === 'matrix' ? inner.selector : inner;
        if (target.type !== 'selector') this.fail(node, 'offset modifier must be preceded by an instant vector selector or range vector selector');
        target.offset = this.offset(kids[2]!);
        return inner;
      }
      case 'StepInvariantExpr': {
        const inner = this.expr(kids[0]!);
        const target = inner.type === 'matrix' ? inner.selector : inner;
        if (target.type !== 'selector') this.fail(node, '@ modifier must be preceded by an instant vector selector or range vector selector');
        const at = kids[2]!;
        target.at = at.name === 'AtModifierPreprocessors' ? (at.firstChild!.name === 'AtStart' ? 'start' : 'end') : Math.round(this.number(at) * 1000);
        return inner;
      }
      case 'UnaryExpr': {
        const operand = this.expr(kids[1]!);
        if (this.text(kids[0]!) === '+') return operand;
        if (operand.type === 'number') return { type: 'number', value: -operand.value };
        return { type: 'unary', expr: operand };
      }
      case 'FunctionCall':
        return this.call(node, kids);
      case 'AggregateExpr':
        return this.aggregate(node, kids);
      case 'BinaryExpr':
        return this.binary(node, kids);
      case 'SubqueryExpr':
        this.fail(node, 'subqueries are not supported by Vigia');
      // falls through (fail throws)
      default:
        this.fail(node, `${node.name} is not supported by Vigia`);
    }
  }

  private number(node: SyntaxNode): number {
    const raw = this.text(node).replace(/_/g, '');
    const sign = raw.startsWith('-') ? -1 : 1;
    const body = raw.replace(/^[+-]/, '');
    const lower = body.toLowerCase();
    if (lower === 'inf') return sign * Infinity;
    if (lower === 'nan') return NaN;
    if (/^0x[0-9a-f]+$/i.test(body)) return sign * parseInt(body, 16);
    const asNumber = Number(body);
    if (Number.isFinite(asNumber)) return sign * asNumber;
    const ms = parseDuration(body);
    if (ms === undefined) this.fail(node, `bad number or duration syntax: "${raw}"`);
    return (sign * ms) / 1000;
  }

  private duration(node: SyntaxNode): number {
    const literal = node.firstChild;
    if (!literal || literal.name !== 'NumberDurationLiteralInDurationContext' || literal.nextSibling) this.fail(node, 'duration expressions are not supported by Vigia');
    const text = this.text(literal);
    const ms = /^[0-9.]+$/.test(text) ? Number(text) * 1000 : parseDuration(text);
    if (ms === undefined || !(ms > 0)) this.fail(node, `invalid duration "${text}": must be above zero`);
    return ms;
  }

  private offset(node: SyntaxNode): number {
    const first = node.firstChild!;
    if (first.name === 'UnaryOp') return (this.text(first) === '-' ? -1 : 1) * this.offset(first.nextSibling!);
    if (first.name !== 'NumberDurationLiteralInDurationContext' || first.nextSibling) this.fail(node, 'duration expressions are not supported by Vigia');
    const text = this.text(first);
    const ms = /^[0-9.]+$/.test(text) ? Number(text) * 1000 : parseDuration(text);
    if (ms === undefined) this.fail(node, `invalid offset "${text}"`);
    return ms;
  }

  string(node: SyntaxNode): string {
    const raw = this.text(node);
    const quote = raw[0]!;
    if (raw.length < 2 || raw[raw.length - 1] !== quote) this.fail(node, 'unterminated quoted string');
    const body = raw.slice(1, -1);
    if (quote === '`') return body;
    return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)/g, (_, esc: string) => {
      const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', "'": "'", '"': '"' };
      if (esc in simple) return simple[esc]!;
      if (/^[xuU]/.test(esc)) return String.fromCodePoint(parseInt(esc.slice(1), 16));
      if (/^[0-7]{3}$/.test(esc)) return String.fromCharCode(parseInt(esc, 8));
      this.fail(node, `unknown escape sequence \\${esc}`);
    });
  }

  private selector(node: SyntaxNode): VectorSelector {
    const matchers: Matcher[] = [];
    for (const kid of children(node)) {
      if (kid.name === 'Identifier') matchers.push({ name: '__name__', type: '=', value: this.text(kid) });
      else if (kid.name === 'LabelMatchers') {
        for (const m of children(kid)) {
          if (m.name === 'QuotedLabelName') {
            matchers.push({ name: '__name__', type: '=', value: this.string(m.firstChild!) });
            continue;
          }
          const [label, op, value] = children(m);
          const name = label!.name === 'QuotedLabelName' ? this.string(label!.firstChild!) : this.text(label!);
          const matcher: Matcher = { name, type: this.text(op!) as MatchType, value: this.string(value!) };
          if (matcher.type === '=~' || matcher.type === '!~') {
            try {
              new RegExp(matcher.value);
            } catch (error) {
              this.fail(m, `invalid regular expression ${JSON.stringify(matcher.value)}: ${(error as Error).message}`);
            }
          }
          matchers.push(matcher);
        }
      }
    }
    // As in Prometheus: a selector must not match every series, including the empty one.
    if (!matchers.some((m) => !matchesEmpty(m))) this.fail(node, 'vector selector must contain at least one non-empty matcher');
    return { type: 'selector', matchers, offset: 0 };
  }

  private call(node: SyntaxNode, kids: SyntaxNode[]): Expr {
    const func = this.text(kids[0]!);
    const args = children(kids[1]!).map((a) => this.expr(a));
    const signature = FUNCTIONS[func];
    if (!signature) this.fail(node, `function "${func}" is not supported by Vigia`);
    const max = signature.args.length;
    const min = max - (signature.optional ?? 0);
    if (args.length < min || (!signature.variadic && args.length > max)) {
      this.fail(node, `expected ${min === max ? min : `${min} to ${max}`} argument(s) in call to "${func}", got ${args.length}`);
    }
    return { type: 'call', func, args };
  }

  private aggregate(node: SyntaxNode, kids: SyntaxNode[]): Expr {
    const op = this.text(kids[0]!) as AggregateOp;
    if (!AGGREGATES.has(op)) this.fail(node, `aggregation "${op}" is not supported by Vigia`);
    const modifier = kids.find((k) => k.name === 'AggregateModifier');
    const body = children(kids.find((k) => k.name === 'FunctionCallBody')!).map((a) => this.expr(a));
    const withParam = op === 'topk' || op === 'bottomk' || op === 'quantile';
    if (body.length !== (withParam ? 2 : 1)) this.fail(node, `wrong number of arguments for aggregate expression provided, expected ${withParam ? 2 : 1}, got ${body.length}`);
    return {
      type: 'aggregate',
      op,
      expr: body[withParam ? 1 : 0]!,
      param: withParam ? body[0] : undefined,
      grouping: modifier ? this.labelList(modifier.lastChild!) : [],
      without: modifier?.firstChild?.name === 'Without',
    };
  }

  private labelList(node: SyntaxNode): string[] {
    return children(node).map((l) => (l.name === 'QuotedLabelName' ? this.string(l.firstChild!) : this.text(l)));
  }

  private binary(node: SyntaxNode, kids: SyntaxNode[]): Expr {
    const [lhsNode, opNode] = kids;
    const rhsNode = kids[kids.length - 1]!;
    const op = BINARY_NODES[opNode!.name];
    if (!op) this.fail(opNode!, `operator "${this.text(opNode!)}" is not supported by Vigia`);
    const lhs = this.expr(lhsNode!);
    const rhs = this.expr(rhsNode);
    const returnBool = kids.some((k) => k.name === 'BoolModifier');
    if (kids.some((k) => k.name === 'FillModifier')) this.fail(node, 'fill modifiers are not supported by Vigia');
    if (returnBool && !COMPARISON_OPS.has(op)) this.fail(node, 'bool modifier can only be used on comparison operators');
    const clause = kids.find((k) => k.name === 'MatchingModifierClause');
    let matching: VectorMatching | undefined;
    if (clause) {
      const parts = children(clause);
      const group = parts.find((p) => p.name === 'GroupLeft' || p.name === 'GroupRight');
      const lists = parts.filter((p) => p.name === 'GroupingLabels');
      matching = {
        on: parts[0]!.name === 'On',
        labels: this.labelList(lists[0]!),
        card: !group ? 'one-to-one' : group.name === 'GroupLeft' ? 'many-to-one' : 'one-to-many',
        include: lists[1] ? this.labelList(lists[1]) : [],
      };
      if (SET_OPS.has(op) && matching.card !== 'one-to-one') this.fail(node, `no grouping allowed for "${op}" operation`);
    }
    const result: Expr = { type: 'binary', op, lhs, rhs, returnBool, matching };
    const types = [typeOf(lhs), typeOf(rhs)];
    if (SET_OPS.has(op) && types.some((t) => t !== 'vector')) this.fail(node, `set operator "${op}" not allowed in binary scalar expression`);
    if (COMPARISON_OPS.has(op) && types.every((t) => t === 'scalar') && !returnBool) this.fail(node, 'comparisons between scalars must use BOOL modifier');
    if (matching && types.some((t) => t !== 'vector')) this.fail(node, 'vector matching only allowed between instant vectors');
    return result;
  }
}

export function matchesEmpty(m: Matcher): boolean {
  switch (m.type) {
    case '=':
      return m.value === '';
    case '!=':
      return m.value !== '';
    case '=~':
      return anchored(m.value).test('');
    case '!~':
      return !anchored(m.value).test('');
  }
}

/** Prometheus regex matchers are fully anchored. */
export function anchored(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`, 's');
}

/** The type of an expression, checking function and operator argument types on the way. */
export function typeOf(expr: Expr): ValueType {
  switch (expr.type) {
    case 'selector':
    case 'aggregate':
    case 'unary':
      if (expr.type === 'aggregate') expectType(expr.expr, 'vector', `aggregation "${expr.op}"`);
      if (expr.type === 'aggregate' && expr.param) expectType(expr.param, 'scalar', `aggregation "${expr.op}" parameter`);
      if (expr.type === 'unary') return typeOf(expr.expr);
      return 'vector';
    case 'matrix':
      return 'matrix';
    case 'number':
      return 'scalar';
    case 'string':
      return 'string';
    case 'call': {
      const signature = FUNCTIONS[expr.func]!;
      expr.args.forEach((arg, i) => {
        const want = signature.args[Math.min(i, signature.args.length - 1)]!;
        expectType(arg, want, `call to function "${expr.func}"`);
      });
      return signature.returns;
    }
    case 'binary': {
      const l = typeOf(expr.lhs);
      const r = typeOf(expr.rhs);
      for (const t of [l, r]) if (t !== 'scalar' && t !== 'vector') throw new PromqlError(`binary expression must contain only scalar and instant vector types`);
      return l === 'scalar' && r === 'scalar' ? 'scalar' : 'vector';
    }
  }
}

function expectType(expr: Expr, want: ValueType, where: string): void {
  const got = typeOf(expr);
  if (got !== want) throw new PromqlError(`expected type ${typeName(want)} in ${where}, got ${typeName(got)}`);
}

function typeName(type: ValueType): string {
  return { vector: 'instant vector', matrix: 'range vector', scalar: 'scalar', string: 'string' }[type];
}
