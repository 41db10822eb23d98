/**
 * Names and fields: a name is declared once per file (and once per oracle's columns); a
 * field appears at most once per block (except `target`, `fix`, `bound`); the fields a block
 * cannot do without are present.
 */
import type { AstNode, ValidationAcceptor } from 'langium';
import { isNumberField, isTargetField, isFixField, isBoundField, isRequireField, type Constraint, type FeatureDecl, type InvFile, type Oracle, type OutputDecl } from '../generated/ast.js';
import {
    numberField, oracleInputs, oracleInputsField, oracleModelField, oracleOutputs, oracleOutputsField,
    runOracleField, synthesisOutputField, type FieldBlock, type RunBlock,
} from '../ast-fields.js';
import { firstTokenRange, firstTokenText, lineOf } from '../cst-ranges.js';
import { IssueCodes } from '../issue-codes.js';
import { quoteName } from '../name-suggestion.js';
import { reportIssue } from './report-issue.js';
import { isSynthesis, type Synthesis } from '../generated/ast.js';

export class InvNamesValidator {
    /** Two top-level blocks with one name: the second is the error. */
    checkUniqueBlockNames(file: InvFile, accept: ValidationAcceptor): void {
        const first = new Map<string, AstNode>();
        for (const element of file.elements) {
            if (element.name === undefined) continue;
            const earlier = first.get(element.name);
            if (earlier) {
                reportIssue(accept, 'error', IssueCodes.DuplicateName,
                    `${quoteName(element.name)} is already declared on line ${lineOf(earlier)}; names in a file must differ`,
                    { node: element, property: 'name' });
            } else {
                first.set(element.name, element);
            }
        }
    }

    /** An oracle's inputs and outputs name CSV columns: each name once across both lists. */
    checkUniqueColumnNames(oracle: Oracle, accept: ValidationAcceptor): void {
        const first = new Map<string, FeatureDecl | OutputDecl>();
        for (const column of [...oracleInputs(oracle), ...oracleOutputs(oracle)]) {
            if (column.name === undefined) continue;
            const earlier = first.get(column.name);
            if (earlier) {
                const what = earlier.$type === 'FeatureDecl' ? 'an input' : 'an output';
                reportIssue(accept, 'error', IssueCodes.DuplicateName,
                    `${quoteName(column.name)} is already ${what} of ${oracle.name} (line ${lineOf(earlier)})`,
                    { node: column, property: 'name' });
            } else {
                first.set(column.name, column);
            }
        }
    }

    /** A name in backticks must hold something. */
    checkNotEmpty(node: FeatureDecl | OutputDecl | Oracle | Constraint | RunBlock, accept: ValidationAcceptor): void {
        if (node.name === '') {
            reportIssue(accept, 'error', IssueCodes.Syntax, 'a name in backticks cannot be empty', { node, property: 'name' });
        }
    }

    /** Each field at most once per block, except `target`, `fix` and `bound`. */
    checkDuplicateFields(block: FieldBlock, accept: ValidationAcceptor): void {
        const seen = new Map<string, AstNode>();
        for (const field of block.fields as AstNode[]) {
            if (isTargetField(field) || isFixField(field) || isBoundField(field) || isRequireField(field)) continue;
            const key = isNumberField(field) ? `NumberField:${field.key}` : field.$type;
            const earlier = seen.get(key);
            if (earlier) {
                const label = isNumberField(field) ? field.key : firstTokenText(field);
                reportIssue(accept, 'error', IssueCodes.DuplicateField,
                    `\`${label}\` is already given on line ${lineOf(earlier)}; each field appears once`,
                    { node: field, range: firstTokenRange(field) });
            } else {
                seen.set(key, field);
            }
        }
    }

    checkOracleRequiredFields(oracle: Oracle, accept: ValidationAcceptor): void {
        const missing: string[] = [];
        if (!oracleModelField(oracle)) missing.push('`model "…/model.json"`');
        if (!oracleInputsField(oracle)) missing.push('`inputs`');
        if (!oracleOutputsField(oracle)) missing.push('`outputs`');
        if (missing.length > 0) {
            reportIssue(accept, 'error', IssueCodes.MissingField,
                `oracle ${oracle.name} needs ${joinAnd(missing)}`, { node: oracle, property: 'name' });
        }
    }

    checkRunRequiredFields(block: RunBlock, accept: ValidationAcceptor): void {
        const missing: string[] = [];
        if (!runOracleField(block)) missing.push('`oracle NAME`');
        if (isSynthesis(block)) missing.push(...synthesisMissing(block));
        if (missing.length > 0) {
            const kind = isSynthesis(block) ? 'synthesize' : 'inversion';
            reportIssue(accept, 'error', IssueCodes.MissingField,
                `${kind} ${block.name} needs ${joinAnd(missing)}`, { node: block, property: 'name' });
        }
    }

    checkConstraintHasPieces(constraint: Constraint, accept: ValidationAcceptor): void {
        if (constraint.pieces.length === 0) {
            reportIssue(accept, 'error', IssueCodes.MissingField,
                `constraint ${constraint.name} needs at least one \`when CONDITION: EXPRESSION\` piece`,
                { node: constraint, property: 'name' });
        }
    }
}

function synthesisMissing(s: Synthesis): string[] {
    const missing: string[] = [];
    if (!numberField(s, 'count')) missing.push('`count N` (rows to write)');
    if (!synthesisOutputField(s)) missing.push('`output "file.csv"`');
    return missing;
}

function joinAnd(items: string[]): string {
    return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
