/**
 * Checks that read an oracle's files (registered as 'slow'; cached by file stamp in
 * OracleFiles): the model exists and can be read, its widths match the declaration, the
 * training and test CSVs exist and have every declared column, and a classifier's outputs
 * are exactly the labels in its `classify` column. Also: training settings on an oracle
 * that has no `data` to train on.
 */
import type { AstNode, ValidationAcceptor } from 'langium';
import {
    featureType, oracleClassify, oracleClassifyField, oracleDataField, oracleInputs, oracleInputsField,
    oracleModelField, oracleOutputs, oracleOutputsField, oracleTestField,
} from '../ast-fields.js';
import { firstTokenRange, firstTokenText } from '../cst-ranges.js';
import { modelInputWidth } from '../../engine/contract/feature-types.js';
import { resolveDocumentPath } from '../document-paths.js';
import {
    isActivationField, isClassifyField, isLayersField, isNumberField, isSkipMissingField, isTestField,
    type DataField, type Oracle, type TestField,
} from '../generated/ast.js';
import { duplicateColumnMessage } from '../../engine/contract/csv-header.js';
import { IssueCodes } from '../issue-codes.js';
import { closestName, didYouMean, quoteName } from '../name-suggestion.js';
import type { InvServices } from '../inv-module.js';
import { LABEL_ROW_CAP, type OracleFiles } from '../oracle-files.js';
import { importedFormatOf } from '../../engine/contract/imported-model-summary.js';
import { reportIssue } from './report-issue.js';

export class InvOracleFilesValidator {
    private readonly files: OracleFiles;

    constructor(services: InvServices) {
        this.files = services.files.OracleFiles;
    }

    async checkModel(oracle: Oracle, accept: ValidationAcceptor): Promise<void> {
        const field = oracleModelField(oracle);
        if (field?.path === undefined) return;
        const path = resolveDocumentPath(oracle, field.path);
        if (path === undefined) return;
        const summary = await this.files.modelSummary(path);
        if (!summary.ok) {
            if (summary.kind === 'missing') {
                // `inv train` writes TF.js models only: an ONNX or Keras model cannot be trained here.
                if (oracleDataField(oracle) && !importedFormatOf(path)) {
                    reportIssue(accept, 'warning', IssueCodes.NotTrained,
                        `oracle ${oracle.name} is not trained yet: ${field.path} does not exist; \`inv train\` (or ▶ Train) writes it from its data`,
                        { node: field, property: 'path' });
                } else {
                    const remedy = importedFormatOf(path)
                        ? 'inv reads ONNX and Keras models as they are and trains only TF.js models (a model.json path)'
                        : 'give the oracle `data` to train one';
                    reportIssue(accept, 'error', IssueCodes.ModelMissing,
                        `model file not found: ${field.path} (paths are relative to this file); ${remedy}`,
                        { node: field, property: 'path' });
                }
            } else if (summary.kind === 'unsupported') {
                reportIssue(accept, 'error', IssueCodes.ModelUnsupported, `cannot use ${field.path}: ${summary.reason}`,
                    { node: field, property: 'path' });
            } else {
                reportIssue(accept, 'error', IssueCodes.ModelUnreadable, `cannot use ${field.path}: ${summary.reason}`,
                    { node: field, property: 'path' });
            }
            return;
        }
        // A categorical input takes one model column per label (LANGUAGE.md, "Typed inputs and relations").
        const declared = oracleInputs(oracle);
        const inputs = modelInputWidth(declared.map((f) => ({ type: featureType(f) })));
        const inputsField = oracleInputsField(oracle);
        if (inputsField && inputs !== summary.inputWidth) {
            const columns = declared.some((f) => f.categorical) ? ` (${declared.length} inputs, a categorical one counting one column per label)` : '';
            reportIssue(accept, 'error', IssueCodes.InputCount,
                `the model takes ${count(summary.inputWidth, 'input')} but ${inputs} ${inputs === 1 ? 'is' : 'are'} declared${columns}`,
                { node: inputsField, range: firstTokenRange(inputsField) });
        }
        const outputs = oracleOutputs(oracle).length;
        const outputsField = oracleOutputsField(oracle);
        if (outputsField && outputs !== summary.outputWidth) {
            reportIssue(accept, 'error', IssueCodes.OutputCount,
                `the model has ${count(summary.outputWidth, 'output')} but ${outputs} ${outputs === 1 ? 'is' : 'are'} declared`,
                { node: outputsField, range: firstTokenRange(outputsField) });
        }
    }

    async checkDataFiles(oracle: Oracle, accept: ValidationAcceptor): Promise<void> {
        const data = oracleDataField(oracle);
        if (data?.path !== undefined) await this.checkCsv(oracle, data, accept);
        const test = oracleTestField(oracle);
        if (test?.path !== undefined) await this.checkCsv(oracle, test, accept);
    }

    /** A CSV (`data` or `test`) exists and has every column the oracle is trained on. */
    private async checkCsv(oracle: Oracle, field: DataField | TestField, accept: ValidationAcceptor): Promise<boolean> {
        const path = resolveDocumentPath(oracle, field.path);
        if (path === undefined) return false;
        const header = await this.files.csvHeader(path);
        if (!header.ok) {
            const message = header.kind === 'missing'
                ? `CSV file not found: ${field.path} (paths are relative to this file)`
                : `cannot read ${field.path}: ${header.reason}`;
            reportIssue(accept, 'error', IssueCodes.DataMissing, message, { node: field, property: 'path' });
            return false;
        }
        const columns = new Set(header.columns);
        const role = isTestField(field) ? 'test' : 'data';
        const needed: Array<{ name: string; node: AstNode; property: string }> = oracleInputs(oracle)
            .map((f) => ({ name: f.name, node: f, property: 'name' }));
        const classify = oracleClassifyField(oracle);
        if (classify?.column !== undefined) needed.push({ name: classify.column, node: classify, property: 'column' });
        else needed.push(...oracleOutputs(oracle).map((o) => ({ name: o.name, node: o as AstNode, property: 'name' })));
        let complete = true;
        for (const d of header.duplicates) {
            const column = needed.find((c) => c.name === d.name);
            if (!column) continue;
            complete = false;
            reportIssue(accept, 'error', IssueCodes.DataColumn, `the ${role} file ${field.path}: ${duplicateColumnMessage(d)}`,
                { node: column.node, property: column.property } as { node: AstNode; property: never });
        }
        for (const column of needed) {
            if (column.name === undefined || columns.has(column.name)) continue;
            complete = false;
            const suggestion = closestName(column.name, header.columns);
            reportIssue(accept, 'error', IssueCodes.DataColumn,
                `the ${role} file ${field.path} has no column ${quoteName(column.name)}${didYouMean(suggestion)}`,
                { node: column.node, property: column.property } as { node: AstNode; property: never });
        }
        return complete;
    }

    /** `classify COLUMN`: `outputs` are exactly the labels found in that column of `data`. */
    async checkClassLabels(oracle: Oracle, accept: ValidationAcceptor): Promise<void> {
        const column = oracleClassify(oracle);
        const data = oracleDataField(oracle);
        const outputsField = oracleOutputsField(oracle);
        if (column === undefined || data?.path === undefined || !outputsField) return;
        const path = resolveDocumentPath(oracle, data.path);
        if (path === undefined) return;
        const header = await this.files.csvHeader(path);
        if (!header.ok || !header.columns.includes(column)) return; // reported by checkDataFiles
        const result = await this.files.classLabels(path, column);
        if (!result.ok) return;
        const labels = new Set(result.labels);
        const outputs = oracleOutputs(oracle);
        const declared = new Set(outputs.map((o) => o.name));
        const scope = result.capped ? ` (in its first ${LABEL_ROW_CAP.toLocaleString('en-US')} rows)` : '';
        for (const output of outputs) {
            if (labels.has(output.name)) continue;
            const suggestion = closestName(output.name, result.labels);
            reportIssue(accept, 'error', IssueCodes.ClassLabels,
                `${quoteName(output.name)} is not a label in column ${quoteName(column)} of ${data.path}${scope}${didYouMean(suggestion)}; its labels: ${listLabels(result.labels)}`,
                { node: output, property: 'name' }, suggestion === undefined ? {} : { suggestion });
        }
        const missing = result.labels.filter((l) => !declared.has(l));
        if (missing.length > 0) {
            reportIssue(accept, 'error', IssueCodes.ClassLabels,
                `column ${quoteName(column)} of ${data.path} also holds ${missing.length === 1 ? 'the label' : 'the labels'} ${listLabels(missing)}: \`outputs\` must name every class`,
                { node: outputsField, range: firstTokenRange(outputsField) });
        }
    }

    /** `epochs`, `layers`, … only matter when there is `data` to train on. */
    checkTrainingWithoutData(oracle: Oracle, accept: ValidationAcceptor): void {
        if (oracleDataField(oracle)) return;
        for (const field of oracle.fields as AstNode[]) {
            const training = isNumberField(field) || isLayersField(field) || isActivationField(field)
                || isTestField(field) || isSkipMissingField(field) || isClassifyField(field);
            if (!training) continue;
            const label = isNumberField(field) ? field.key : firstTokenText(field);
            reportIssue(accept, 'warning', IssueCodes.TrainingWithoutData,
                `\`${label}\` is a training setting, but oracle ${oracle.name} has no \`data\` to train on, so it has no effect`,
                { node: field, range: firstTokenRange(field) });
        }
    }
}

function count(n: number, noun: string): string {
    return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function listLabels(labels: string[]): string {
    const shown = labels.slice(0, 12).map(quoteName).join(', ');
    return labels.length > 12 ? `${shown}, … (${labels.length} in all)` : shown;
}
