/**
 * Constraint functions: `x` is the only variable; only the listed functions, each with its
 * number of arguments; a piece that earlier pieces already cover can never apply.
 * (Nesting depth is limited before parsing: see nesting-guard.ts.)
 */
import { Cancellation, interruptAndCheck, type ValidationAcceptor } from 'langium';
import type { CallExpr, Constraint, VarRef } from '../generated/ast.js';
import { IssueCodes } from '../issue-codes.js';
import { closestName, didYouMean, quoteName } from '../name-suggestion.js';
import { conditionInterval, CoveredSet, isEmpty, ALL_X } from './constraint-coverage.js';
import { reportIssue } from './report-issue.js';

/**
 * The functions a constraint body may call, with their number of arguments. A Map, not an
 * object: a call of `constructor` or `toString` must be an unknown function, not Object's.
 */
export const CONSTRAINT_FUNCTIONS: ReadonlyMap<string, number> = new Map([
    ['exp', 1], ['log', 1], ['sqrt', 1], ['abs', 1], ['tanh', 1], ['sigmoid', 1], ['min', 2], ['max', 2],
]);

export class InvConstraintValidator {
    checkVariable(ref: VarRef, accept: ValidationAcceptor): void {
        if (ref.name === 'x') return;
        if (CONSTRAINT_FUNCTIONS.has(ref.name)) {
            reportIssue(accept, 'error', IssueCodes.ConstraintVariable,
                `${quoteName(ref.name)} is a function: call it, as in ${ref.name}(x)`, { node: ref, property: 'name' });
            return;
        }
        reportIssue(accept, 'error', IssueCodes.ConstraintVariable,
            `a constraint's only variable is \`x\` (the value of the feature it is applied to), not ${quoteName(ref.name)}`,
            { node: ref, property: 'name' }, { suggestion: 'x' });
    }

    checkCall(call: CallExpr, accept: ValidationAcceptor): void {
        const arity = CONSTRAINT_FUNCTIONS.get(call.fn);
        if (arity === undefined) {
            const suggestion = closestName(call.fn, [...CONSTRAINT_FUNCTIONS.keys()]);
            reportIssue(accept, 'error', IssueCodes.UnknownFunction,
                `unknown function ${quoteName(call.fn)}${didYouMean(suggestion)}; a constraint may use exp, log, sqrt, abs, tanh, sigmoid, min and max`,
                { node: call, property: 'fn' }, suggestion === undefined ? {} : { suggestion });
            return;
        }
        if (call.args.length !== arity) {
            reportIssue(accept, 'error', IssueCodes.WrongArity,
                `${call.fn} takes ${arity === 1 ? 'one argument' : `${arity} arguments`}, not ${call.args.length}`,
                { node: call });
        }
    }

    /** n log n in the number of pieces, and yielding to the server between slices (a constraint may have 100,000 pieces). */
    async checkReachablePieces(constraint: Constraint, accept: ValidationAcceptor, cancelToken: Cancellation.CancellationToken = Cancellation.CancellationToken.None): Promise<void> {
        const covered = new CoveredSet();
        for (const [i, piece] of constraint.pieces.entries()) {
            if (i % 500 === 499) await interruptAndCheck(cancelToken);
            if (!piece.condition) continue;
            const admitted = conditionInterval(piece.condition);
            if (admitted !== undefined) {
                if (isEmpty(admitted)) {
                    reportIssue(accept, 'warning', IssueCodes.UnreachablePiece,
                        'this piece can never apply: no x satisfies its condition', { node: piece, keyword: 'when' });
                } else if (covered.covers(admitted)) {
                    reportIssue(accept, 'warning', IssueCodes.UnreachablePiece,
                        'this piece can never apply: the pieces before it already cover every x its condition admits',
                        { node: piece, keyword: 'when' });
                }
                covered.add(admitted);
            }
        }
        if (constraint.otherwise && covered.covers(ALL_X)) {
            reportIssue(accept, 'warning', IssueCodes.UnreachablePiece,
                '`else` can never apply: the pieces before it cover every x', { node: constraint.otherwise, keyword: 'else' });
        }
    }
}
