/**
 * A diagnostic on each target the last run did not meet (warning), from the stored result,
 * as long as that result belongs to the current text of the file (a stale result says
 * nothing about the edited file). The run manager revalidates the document when a run ends.
 */
import { AstUtils, type ValidationAcceptor, type ValidationChecks } from 'langium';
import type { InvAstType, Inversion, Synthesis } from '../../language/generated/ast.js';
import { isTargetField } from '../../language/generated/ast.js';
import { IssueCodes } from '../../language/issue-codes.js';
import type { InvServerServices } from '../inv-server-module.js';
import { formatValue } from './result-text.js';
import { targetReading } from './result-reading.js';
import { ResultStore } from './result-store.js';

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
        const document = AstUtils.getDocument(block);
        const result = this.store.get(document.uri.toString(), block.name);
        if (!result || result.kind !== 'inversion' || ResultStore.isStale(result, document.textDocument.getText())) return;
        for (const field of block.fields) {
            if (!isTargetField(field) || !field.output.ref) continue;
            const reading = targetReading(result, field.output.ref.name);
            if (!reading || reading.met !== false) continue;
            const tolerance = reading.target.tolerance ?? 0;
            accept(
                'warning',
                `Target not met by the last run: the best ${reading.target.output} is ${formatValue(reading.achieved)}, ` +
                    `a miss of ${formatValue(reading.miss ?? NaN)} (tolerance ${formatValue(tolerance)}; ${result.summary.meeting}/${result.solutions.length} solutions meet). ` +
                    'The bounds or fixed values may not allow it; widen them, or run longer.',
                { node: field, code: IssueCodes.TargetNotMet },
            );
        }
    }
}
