/**
 * A diagnostic on each target the last run did not meet (warning), from the stored result,
 * as long as that result is not stale (what its run read, run-inputs.ts, has not changed:
 * editing another block leaves it). The run manager revalidates the document when a run ends.
 */
import type { ValidationAcceptor, ValidationChecks } from 'langium';
import type { InvAstType, Inversion, Synthesis } from '../../language/generated/ast.js';
import { isTargetField } from '../../language/generated/ast.js';
import { IssueCodes } from '../../language/issue-codes.js';
import type { InvServerServices } from '../inv-server-module.js';
import { formatMiss, formatValue } from '../../engine/contract/number-format.js';
import { targetReading } from './result-reading.js';
import type { ResultStore } from './result-store.js';

export function registerResultChecks(services: InvServerServices): void {
    const validator = services.validation.ResultValidator;
    const checks: ValidationChecks<InvAstType> = { Inversion: validator.checkRun, Synthesis: validator.checkRun };
    services.validation.ValidationRegistry.register(checks, validator);
}

export class InvResultValidator {
    private readonly store: ResultStore;

    constructor(services: InvServerServices) {
        this.store = services.runs.ResultStore;
    }

    checkRun(block: Inversion | Synthesis, accept: ValidationAcceptor): void {
        const latest = this.store.latest(block);
        if (!latest || latest.stale || latest.result.kind !== 'inversion') return;
        const result = latest.result;
        for (const field of block.fields) {
            if (!isTargetField(field) || !field.output?.ref) continue;
            const reading = targetReading(result, field.output.ref.name);
            if (!reading || reading.met !== false) continue;
            const tolerance = reading.target.tolerance ?? 0;
            accept(
                'warning',
                `Target not met by the last run: the best ${reading.target.output} is ${formatValue(reading.achieved)}, ` +
                    `a miss of ${formatMiss(reading.miss)} (tolerance ${formatValue(tolerance)}; ${result.summary.meeting}/${result.solutions.length} solutions meet). ` +
                    'The bounds or fixed values may not allow it; widen them, or run longer.',
                { node: field, code: IssueCodes.TargetNotMet },
            );
        }
    }
}
