/**
 * Numbers: every literal is finite (`1e999` overflows); whole numbers where the language
 * needs them (`steps`, `solutions`, `latent`, `layers`, `epochs`, `batch`, `count`, `seed`);
 * sizes and rates positive; shares within their range; every `[lo, hi]` non-empty. Each
 * diagnostic is on the number itself.
 */
import type { AstNode, ValidationAcceptor } from 'langium';
import { isGeneratorMethod, isInversion, isOracle, isSynthesis, type FixItem, type Interval, type LayersField, type NumberField, type NumberLit, type TargetField } from '../generated/ast.js';
import { IssueCodes } from '../issue-codes.js';
import { reportIssue } from './report-issue.js';

/** What a number must be. */
type NumberRule = 'positive-integer' | 'non-negative-integer' | 'positive' | 'non-negative' | 'share';

/** The rule of each `key NUMBER` field, by block. */
const RULES: Record<string, Record<string, NumberRule>> = {
    Oracle: { epochs: 'positive-integer', batch: 'positive-integer', learningRate: 'positive', validation: 'share', seed: 'non-negative-integer' },
    Inversion: { solutions: 'positive-integer', steps: 'positive-integer', learningRate: 'positive', seed: 'non-negative-integer', diversity: 'non-negative', support: 'non-negative', tolerance: 'positive' },
    Synthesis: { count: 'positive-integer', steps: 'positive-integer', learningRate: 'positive', seed: 'non-negative-integer', diversity: 'non-negative', tolerance: 'positive' },
    GeneratorMethod: { latent: 'positive-integer' },
};

export class InvNumbersValidator {
    checkNumberField(field: NumberField, accept: ValidationAcceptor): void {
        const block = field.$container;
        const blockType = isOracle(block) ? 'Oracle' : isInversion(block) ? 'Inversion' : isSynthesis(block) ? 'Synthesis' : isGeneratorMethod(block) ? 'GeneratorMethod' : '';
        const rule = RULES[blockType]?.[field.key];
        checkNumber(field.value, `\`${field.key}\``, rule, accept, { node: field, property: 'value' });
    }

    checkLayers(field: LayersField, accept: ValidationAcceptor): void {
        field.widths.forEach((width, index) => {
            checkNumber(width, 'a layer width', 'positive-integer', accept, { node: field, property: 'widths', index });
        });
    }

    checkTarget(target: TargetField, accept: ValidationAcceptor): void {
        if (target.value !== undefined) checkNumber(target.value, 'a target', undefined, accept, { node: target, property: 'value' });
        if (target.tolerance !== undefined) checkNumber(target.tolerance, '`tolerance`', 'positive', accept, { node: target, property: 'tolerance' });
    }

    checkFixItem(item: FixItem, accept: ValidationAcceptor): void {
        if (item.value === undefined) return; // a label
        checkNumber(item.value, 'a fixed value', undefined, accept, { node: item, property: 'value' });
    }

    checkNumberLit(literal: NumberLit, accept: ValidationAcceptor): void {
        checkNumber(literal.value, 'a number', undefined, accept, { node: literal, property: 'value' });
    }

    /** `[lo, hi]`: both finite, lo below hi. */
    checkInterval(interval: Interval, accept: ValidationAcceptor): void {
        const loOk = checkNumber(interval.lo, 'a bound', undefined, accept, { node: interval, property: 'lo' });
        const hiOk = checkNumber(interval.hi, 'a bound', undefined, accept, { node: interval, property: 'hi' });
        if (!loOk || !hiOk) return; // not finite, or a syntax error
        if (interval.lo >= interval.hi) {
            const why = interval.lo === interval.hi
                ? `[${interval.lo}, ${interval.hi}] is a single point: the low end must be below the high end (to hold a value, use \`fix\`)`
                : `[${interval.lo}, ${interval.hi}] is empty: the low end must come first`;
            reportIssue(accept, 'error', IssueCodes.BadBound, why, { node: interval });
        }
    }
}

/** Reports what is wrong with `value`; returns whether it is finite. */
function checkNumber(
    value: number, what: string, rule: NumberRule | undefined, accept: ValidationAcceptor,
    where: { node: AstNode; property: string; index?: number },
): boolean {
    const at = where as { node: AstNode; property: never; index?: number };
    // A number the parser could not read is a syntax error already.
    if (typeof value !== 'number' || Number.isNaN(value)) return false;
    if (!Number.isFinite(value)) {
        reportIssue(accept, 'error', IssueCodes.NonFinite, `${what} must be a finite number; this one overflows`, at);
        return false;
    }
    if (rule === undefined) return true;
    const integer = rule === 'positive-integer' || rule === 'non-negative-integer';
    if (integer && !Number.isInteger(value)) {
        reportIssue(accept, 'error', IssueCodes.NotInteger, `${what} must be a whole number, not ${value}`, at);
        return true;
    }
    if ((rule === 'positive-integer' || rule === 'positive') && value <= 0) {
        reportIssue(accept, 'error', IssueCodes.NotPositive, `${what} must be positive, not ${value}`, at);
    } else if ((rule === 'non-negative-integer' || rule === 'non-negative') && value < 0) {
        reportIssue(accept, 'error', IssueCodes.NotPositive, `${what} must be 0 or more, not ${value}`, at);
    } else if (rule === 'share' && (value < 0 || value >= 1)) {
        reportIssue(accept, 'error', IssueCodes.OutOfRange, `${what} is a share of the rows: at least 0 and below 1, not ${value}`, at);
    }
    return true;
}
