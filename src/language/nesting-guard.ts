/**
 * The parser is recursive descent: `((((… 100,000 times` or `x^x^x^…` would overflow the
 * stack long before any validator could say "too deep", and even 64 open parentheses make
 * the parser's error recovery run out of stack. This guard runs on the token list between
 * the lexer and the parser (no recursion) and makes sure the parser only ever sees shallow,
 * balanced expressions:
 *
 * - every part of an expression that nests deeper than the language's limit is cut out of
 *   the token stream (an operand cut away is replaced by a synthetic number `0`), and
 *   reported as `too-deep` on the token where the limit was crossed;
 * - parentheses still open where an expression ends are closed by synthetic `)` tokens, and
 *   reported as a `syntax` error there (what the parser would have said, without its
 *   recovery having to climb out of every level).
 *
 * The file's text is kept as it is. Depth, as LANGUAGE.md's "nesting deeper than 64 levels"
 * is measured here: every open parenthesis (also a call's) is a level, and so is every
 * operator (`+ - * / ^`, unary minus) within one parenthesised level, because each one nests
 * the expression tree one level deeper: `a + b + c` is `(a + b) + c`.
 */
import type { IToken, TokenType } from 'chevrotain';

export const MAX_EXPRESSION_DEPTH = 64;

export interface GuardReport {
    /** The token the report is about: where the limit was crossed, or where `)` was missing. */
    token: IToken;
    kind: 'too-deep' | 'unclosed';
    /** For `unclosed`: how many parentheses were open. */
    open: number;
    /** For `unclosed`: the file ended (`token` is then the last one). */
    atEnd: boolean;
}

export interface GuardResult {
    tokens: IToken[];
    reports: GuardReport[];
}

export interface GuardTokenTypes {
    number: TokenType;
    closeParen: TokenType;
}

export interface GuardOptions {
    limit?: number;
    /**
     * Close parentheses left open (full parses). Completion parses a prefix of the text, whose
     * open parentheses are the point: it passes false.
     */
    closeOpenParens?: boolean;
}

const OPERATORS = new Set(['+', '-', '*', '/', '^']);
/** Tokens that can appear inside an expression without ending it. */
const OPERANDS = new Set(['NUMBER', 'ID', 'tanh', 'sigmoid']);

export function guardNesting(tokens: IToken[], types: GuardTokenTypes, options: GuardOptions = {}): GuardResult {
    const limit = options.limit ?? MAX_EXPRESSION_DEPTH;
    const closeOpenParens = options.closeOpenParens ?? true;
    if (!tokens.some((t) => t.tokenType.name === '(' || OPERATORS.has(t.tokenType.name))) {
        return { tokens, reports: [] };
    }
    const out: IToken[] = [];
    const reports: GuardReport[] = [];
    // Depth bookkeeping: `stack` holds the operator count of each enclosing level;
    // `base` = levels + their operator counts; depth = base + `ops` (this level's operators).
    let stack: number[] = [];
    let base = 0;
    let ops = 0;

    /** The expression ended at `tok` (undefined: at the end of the file). */
    const endExpression = (tok: IToken | undefined) => {
        if (closeOpenParens && stack.length > 0) {
            const at = tok ?? out[out.length - 1];
            if (at) {
                reports.push({ token: at, kind: 'unclosed', open: stack.length, atEnd: tok === undefined });
                for (let k = 0; k < stack.length; k++) out.push(syntheticCloseParen(at, types.closeParen));
            }
        }
        stack = [];
        base = 0;
        ops = 0;
    };

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
        } else if (name === ',' && stack.length > 0) {
            ops = 0; // the next argument of a call
            depth = base;
        } else if (OPERANDS.has(name)) {
            depth = base + ops;
        } else {
            endExpression(tok);
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
        reports.push({ token: tok, kind: 'too-deep', open: 0, atEnd: false });
        // A call's name belongs with its parenthesis: `max(` is cut whole.
        const previous = out[out.length - 1];
        if (name === '(' && previous && OPERANDS.has(previous.tokenType.name) && previous.tokenType.name !== 'NUMBER') out.pop();
        const needsOperand = name === '(' || (name === '-' && !endsOperand(out[out.length - 1]));
        // The level the cut lives in: a `(` that crossed opened its own (already counted);
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
            else if (!OPERANDS.has(n)) break; // the expression ended: the main loop sees it next
            j += 1;
        }
        if (needsOperand) out.push(syntheticNumber(tok, types.number));
        // Parentheses opened inside the cut are gone from the output, and so is a cut `(`
        // that never closed: only the levels before the cut are still open. (When they are
        // truncated here, the expression has ended, so the bookkeeping resets next.)
        stack.length = Math.min(stack.length, name === '(' ? level - 1 : level);
        i = j;
    }
    endExpression(undefined);
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

/** A `)` the parser consumes but Langium does not put into the CST (as for its own recovery). */
function syntheticCloseParen(at: IToken, closeParen: TokenType): IToken {
    return { ...at, image: ')', tokenType: closeParen, tokenTypeIdx: closeParen.tokenTypeIdx!, isInsertedInRecovery: true };
}
