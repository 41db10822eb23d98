/**
 * The parser is recursive descent: `((((… 100,000 times` or `x^x^x^…` would overflow the
 * stack long before any validator could say "too deep". This guard runs on the token list
 * between the lexer and the parser (no recursion), measures how deeply each constraint
 * expression nests, and cuts every part that goes deeper than the language's limit out of
 * the token stream, so the parser only ever sees shallow input. The file's text is kept as
 * it is; the cut is reported as a `too-deep` error on the token where the limit was crossed.
 *
 * Depth, as LANGUAGE.md's "nesting deeper than 64 levels" is measured here: every open
 * parenthesis (also a call's) is a level, and so is every operator (`+ - * / ^`, unary
 * minus) within one parenthesised level, because each one nests the expression tree one
 * level deeper: `a + b + c` is `(a + b) + c`.
 */
import type { IToken, TokenType } from 'chevrotain';

export const MAX_EXPRESSION_DEPTH = 64;

export interface TooDeepReport {
    /** The token at which the depth first went over the limit. */
    token: IToken;
}

export interface GuardResult {
    tokens: IToken[];
    reports: TooDeepReport[];
}

const OPERATORS = new Set(['+', '-', '*', '/', '^']);
/** Tokens that can appear inside an expression without ending it. */
const OPERANDS = new Set(['NUMBER', 'ID', 'tanh', 'sigmoid']);

/**
 * Returns the tokens with every over-deep part removed (a removed operand is replaced by a
 * synthetic number `0`, so what remains still parses), and where each cut began.
 */
export function guardNesting(tokens: IToken[], numberType: TokenType, limit = MAX_EXPRESSION_DEPTH): GuardResult {
    if (!tokens.some((t) => t.tokenType.name === '(' || OPERATORS.has(t.tokenType.name))) {
        return { tokens, reports: [] };
    }
    const out: IToken[] = [];
    const reports: TooDeepReport[] = [];
    // Depth bookkeeping: `stack` holds the operator count of each enclosing level;
    // `base` = levels + their operator counts; depth = base + `ops` (this level's operators).
    let stack: number[] = [];
    let base = 0;
    let ops = 0;
    const reset = () => { stack = []; base = 0; ops = 0; };

    let i = 0;
    while (i < tokens.length) {
        const tok = tokens[i];
        const name = tok.tokenType.name;
        let depth: number;
        if (name === '(') {
            stack.push(ops);
            base += ops + 1;
            ops = 0;
            depth = base;
        } else if (name === ')') {
            if (stack.length > 0) {
                ops = stack.pop()!;
                base -= ops + 1;
            }
            depth = base + ops;
        } else if (OPERATORS.has(name)) {
            ops += 1;
            depth = base + ops;
        } else if (name === ',') {
            if (stack.length > 0) ops = 0; else reset();
            depth = base + ops;
        } else if (OPERANDS.has(name)) {
            depth = base + ops;
        } else {
            reset();
            depth = 0;
        }
        if (depth <= limit) {
            out.push(tok);
            i += 1;
            continue;
        }
        // Over the limit at `tok`: cut from here to where the depth falls back below this
        // level, or to the end of the expression. What the cut began with decides whether an
        // operand must stand in for it (an opening parenthesis or a unary minus needs one; a
        // binary operator does not: dropping it and what follows leaves a whole expression).
        reports.push({ token: tok });
        let cutStart = i;
        // A call's name belongs with its parenthesis: `max(` is cut whole.
        const previous = out[out.length - 1];
        if (name === '(' && previous && OPERANDS.has(previous.tokenType.name) && previous.tokenType.name !== 'NUMBER') {
            out.pop();
            cutStart = i - 1;
        }
        const needsOperand = name === '(' || (name === '-' && !endsOperand(out[out.length - 1]));
        // The level the cut lives in: a `(` that crossed opened its own (already pushed);
        // an operator that crossed lives in the level that encloses it.
        const level = stack.length;
        let j = i + 1;
        while (j < tokens.length) {
            const n = tokens[j].tokenType.name;
            if (n === ')' && stack.length === level) {
                if (name === '(') {
                    // The crossing parenthesis closes: cut it whole, with its `)`.
                    ops = stack.pop()!;
                    base -= ops + 1;
                    j += 1;
                }
                // Otherwise this `)` closes a level opened before the cut: keep it.
                break;
            }
            if (n === ',' && stack.length === level && name !== '(') break; // the next argument
            if (n === '(') { stack.push(ops); base += ops + 1; ops = 0; }
            else if (n === ')') { ops = stack.pop()!; base -= ops + 1; }
            else if (OPERATORS.has(n)) ops += 1;
            else if (n === ',') ops = 0;
            else if (!OPERANDS.has(n)) break; // the expression ended: the main loop resets
            j += 1;
        }
        if (needsOperand) out.push(syntheticNumber(tokens[cutStart], numberType));
        i = j;
    }
    return { tokens: out, reports };
}

/** Whether a token ends an operand, which makes a following `-` binary. */
function endsOperand(tok: IToken | undefined): boolean {
    if (!tok) return false;
    const n = tok.tokenType.name;
    return n === ')' || n === 'NUMBER' || n === 'ID';
}

function syntheticNumber(at: IToken, numberType: TokenType): IToken {
    return { ...at, image: '0', tokenType: numberType, tokenTypeIdx: numberType.tokenTypeIdx! };
}
