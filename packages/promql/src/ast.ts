export type MatchType = '=' | '!=' | '=~' | '!~';

export interface Matcher {
  name: string;
  type: MatchType;
  value: string;
}

/** Where a selector is read relative to the evaluation time. */
export interface Modifiers {
  /** ms subtracted from the evaluation time */
  offset: number;
  /** `@ t` (ms), `@ start()` or `@ end()`: the selector is read at that time at every step */
  at?: number | 'start' | 'end';
}

export interface VectorSelector extends Modifiers {
  type: 'selector';
  matchers: Matcher[];
}

export interface MatrixSelector {
  type: 'matrix';
  selector: VectorSelector;
  /** ms */
  range: number;
}

export interface NumberLiteral {
  type: 'number';
  value: number;
}

export interface StringLiteral {
  type: 'string';
  value: string;
}

export interface Call {
  type: 'call';
  func: string;
  args: Expr[];
}

export type AggregateOp = 'sum' | 'avg' | 'min' | 'max' | 'count' | 'group' | 'stddev' | 'stdvar' | 'topk' | 'bottomk' | 'quantile';

export interface Aggregate {
  type: 'aggregate';
  op: AggregateOp;
  expr: Expr;
  /** topk/bottomk's k, quantile's φ */
  param?: Expr;
  grouping: string[];
  without: boolean;
}

export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '^' | 'atan2' | '==' | '!=' | '>' | '<' | '>=' | '<=' | 'and' | 'or' | 'unless';

export interface VectorMatching {
  on: boolean;
  labels: string[];
  card: 'one-to-one' | 'many-to-one' | 'one-to-many';
  /** group_left / group_right's labels, copied from the "one" side */
  include: string[];
}

export interface Binary {
  type: 'binary';
  op: BinaryOp;
  lhs: Expr;
  rhs: Expr;
  returnBool: boolean;
  matching?: VectorMatching;
}

export interface Unary {
  type: 'unary';
  expr: Expr;
}

export type Expr = VectorSelector | MatrixSelector | NumberLiteral | StringLiteral | Call | Aggregate | Binary | Unary;

export type ValueType = 'vector' | 'matrix' | 'scalar' | 'string';

export const COMPARISON_OPS = new Set<BinaryOp>(['==', '!=', '>', '<', '>=', '<=']);
export const SET_OPS = new Set<BinaryOp>(['and', 'or', 'unless']);
