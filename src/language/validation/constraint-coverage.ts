/**
 * Which values of x a constraint piece's condition admits, as an interval, when it can be
 * told: each comparison of `x` with a constant (`x >= 10`, `1 < x`) bounds x on one side and
 * `and` intersects. A piece is unreachable when the pieces before it already admit every x it
 * admits (they are tried in order; the first that holds applies). Comparisons that involve x
 * in any other way (`x * 2 > 1`) make a piece's set unknown: it is then never called
 * unreachable, and it covers nothing for the pieces after it.
 */
import { isBinaryExpr, isCallExpr, isNegExpr, isNumberLit, isVarRef, type Comparison, type Condition, type Expression } from '../generated/ast.js';

export interface XInterval {
    lo: number;
    loClosed: boolean;
    hi: number;
    hiClosed: boolean;
}

export const ALL_X: XInterval = { lo: -Infinity, loClosed: false, hi: Infinity, hiClosed: false };

export function isEmpty(i: XInterval): boolean {
    return i.lo > i.hi || (i.lo === i.hi && !(i.loClosed && i.hiClosed));
}

/** The x a condition admits, or undefined when it cannot be told. */
export function conditionInterval(condition: Condition): XInterval | undefined {
    let result: XInterval = ALL_X;
    for (const comparison of condition.comparisons) {
        const part = comparisonInterval(comparison);
        if (part === undefined) return undefined;
        result = intersect(result, part);
    }
    return result;
}

function comparisonInterval(c: Comparison): XInterval | undefined {
    const leftX = isVarRef(c.left) && c.left.name === 'x';
    const rightX = isVarRef(c.right) && c.right.name === 'x';
    if (leftX && rightX) return undefined;
    if (!leftX && !rightX) {
        const l = constantValue(c.left);
        const r = constantValue(c.right);
        if (l === undefined || r === undefined) return undefined;
        return holds(l, c.op, r) ? ALL_X : { lo: 1, loClosed: false, hi: 0, hiClosed: false };
    }
    const value = constantValue(leftX ? c.right : c.left);
    if (value === undefined || Number.isNaN(value)) return undefined;
    // Put x on the left: `10 <= x` is `x >= 10`.
    const op = leftX ? c.op : flip(c.op);
    switch (op) {
        case '>=': return { lo: value, loClosed: true, hi: Infinity, hiClosed: false };
        case '>': return { lo: value, loClosed: false, hi: Infinity, hiClosed: false };
        case '<=': return { lo: -Infinity, loClosed: false, hi: value, hiClosed: true };
        case '<': return { lo: -Infinity, loClosed: false, hi: value, hiClosed: false };
    }
    return undefined;
}

function flip(op: Comparison['op']): Comparison['op'] {
    return op === '>=' ? '<=' : op === '<=' ? '>=' : op === '>' ? '<' : '>';
}

function holds(l: number, op: Comparison['op'], r: number): boolean {
    return op === '>=' ? l >= r : op === '>' ? l > r : op === '<=' ? l <= r : l < r;
}

/** The value of an expression without x, for reasoning only; undefined when it has x. */
function constantValue(e: Expression): number | undefined {
    // Iterative over an explicit stack: expressions can be long (see nesting-guard.ts).
    const values = new Map<Expression, number>();
    const stack: Array<{ node: Expression; visited: boolean }> = [{ node: e, visited: false }];
    while (stack.length > 0) {
        const top = stack[stack.length - 1];
        const node = top.node;
        const children = childrenOf(node);
        if (children === undefined) return undefined;
        if (!top.visited && children.length > 0) {
            top.visited = true;
            for (const child of children) stack.push({ node: child, visited: false });
            continue;
        }
        stack.pop();
        const args = children.map((c) => values.get(c));
        if (args.some((a) => a === undefined)) return undefined;
        const v = apply(node, args as number[]);
        if (v === undefined) return undefined;
        values.set(node, v);
    }
    return values.get(e);
}

function childrenOf(e: Expression): Expression[] | undefined {
    if (isNumberLit(e)) return [];
    if (isVarRef(e)) return undefined;
    if (isNegExpr(e)) return [e.operand];
    if (isBinaryExpr(e)) return [e.left, e.right];
    if (isCallExpr(e)) return e.args;
    return undefined;
}

function apply(e: Expression, args: number[]): number | undefined {
    if (isNumberLit(e)) return e.value;
    if (isNegExpr(e)) return -args[0];
    if (isBinaryExpr(e)) {
        const [a, b] = args;
        switch (e.op) {
            case '+': return a + b;
            case '-': return a - b;
            case '*': return a * b;
            case '/': return a / b;
            case '^': return a ** b;
        }
    }
    if (isCallExpr(e)) {
        const [a, b] = args;
        switch (e.fn) {
            case 'exp': return args.length === 1 ? Math.exp(a) : undefined;
            case 'log': return args.length === 1 ? Math.log(a) : undefined;
            case 'sqrt': return args.length === 1 ? Math.sqrt(a) : undefined;
            case 'abs': return args.length === 1 ? Math.abs(a) : undefined;
            case 'tanh': return args.length === 1 ? Math.tanh(a) : undefined;
            case 'sigmoid': return args.length === 1 ? 1 / (1 + Math.exp(-a)) : undefined;
            case 'min': return args.length === 2 ? Math.min(a, b) : undefined;
            case 'max': return args.length === 2 ? Math.max(a, b) : undefined;
        }
    }
    return undefined;
}

export function intersect(a: XInterval, b: XInterval): XInterval {
    let lo = a.lo, loClosed = a.loClosed;
    if (b.lo > lo || (b.lo === lo && !b.loClosed)) { lo = b.lo; loClosed = b.loClosed && (b.lo !== a.lo || a.loClosed); }
    let hi = a.hi, hiClosed = a.hiClosed;
    if (b.hi < hi || (b.hi === hi && !b.hiClosed)) { hi = b.hi; hiClosed = b.hiClosed && (b.hi !== a.hi || a.hiClosed); }
    return { lo, loClosed, hi, hiClosed };
}

/**
 * The union of the intervals added so far, as disjoint intervals sorted by their lower end, so
 * that "do the pieces before this one cover it?" is a binary search, not a pass over every
 * earlier piece (a constraint of 100,000 pieces is checked in n log n, not n^2).
 */
export class CoveredSet {
    private readonly parts: XInterval[] = [];

    /** Whether every x in `inner` is in the union. */
    covers(interval: XInterval): boolean {
        const inner = withOpenInfinities(interval);
        if (isEmpty(inner)) return true;
        // The last part starting at or before inner.lo is the only one that can hold all of inner.
        const i = this.lastStartingBy(inner.lo, inner.loClosed) ;
        if (i < 0) return false;
        const m = this.parts[i];
        return (m.lo < inner.lo || (m.lo === inner.lo && (m.loClosed || !inner.loClosed)))
            && (m.hi > inner.hi || (m.hi === inner.hi && (m.hiClosed || !inner.hiClosed)));
    }

    add(interval: XInterval): void {
        if (isEmpty(interval)) return;
        const next = withOpenInfinities(interval);
        // Parts that touch or overlap `next` are merged into it: they are contiguous in the order.
        let first = this.lastStartingBy(next.lo, true);
        if (first < 0 || !touches(this.parts[first], next)) first += 1;
        let last = first;
        while (last < this.parts.length && touches(next, this.parts[last])) last++;
        for (let k = first; k < last; k++) {
            const m = this.parts[k];
            if (m.lo < next.lo || (m.lo === next.lo && m.loClosed)) { next.lo = m.lo; next.loClosed = m.loClosed; }
            if (m.hi > next.hi || (m.hi === next.hi && m.hiClosed)) { next.hi = m.hi; next.hiClosed = m.hiClosed; }
        }
        this.parts.splice(first, last - first, next);
    }

    /** The index of the last part whose lower end is at or before (lo, closed); -1 when none. */
    private lastStartingBy(lo: number, closed: boolean): number {
        let a = 0;
        let b = this.parts.length;
        while (a < b) {
            const mid = (a + b) >> 1;
            const m = this.parts[mid];
            const startsBy = m.lo < lo || (m.lo === lo && (m.loClosed || !closed));
            if (startsBy) a = mid + 1;
            else b = mid;
        }
        return a - 1;
    }
}

/** An infinite end holds no number: it is open, whatever was written. */
function withOpenInfinities(i: XInterval): XInterval {
    return { lo: i.lo, loClosed: i.loClosed && i.lo !== -Infinity, hi: i.hi, hiClosed: i.hiClosed && i.hi !== Infinity };
}

/** Whether `a` (starting no later than `b`) overlaps `b` or meets it with no gap. */
function touches(a: XInterval, b: XInterval): boolean {
    const [l, r] = a.lo < b.lo || (a.lo === b.lo && a.loClosed) ? [a, b] : [b, a];
    return r.lo < l.hi || (r.lo === l.hi && (r.loClosed || l.hiClosed));
}
