/**
 * Where a synthesis writes (LANGUAGE.md, "Synthesis"): its `output` is a `.csv` file inside
 * the folder of the `.inv` file or below it, reached without a symbolic link leading out, and
 * not a file inv did not write unless the block says `overwrite`. The engine refuses the same
 * (contract/synthesis-output.ts), so what `inv check` passes, `inv run` can write.
 */
import type { ValidationAcceptor } from 'langium';
import { synthesisOutputField, synthesisOverwrite } from '../ast-fields.js';
import { documentFolder, resolveDocumentPath } from '../document-paths.js';
import type { Synthesis } from '../generated/ast.js';
import { IssueCodes } from '../issue-codes.js';
import type { InvServices } from '../inv-module.js';
import type { OracleFiles } from '../oracle-files.js';
import { reportIssue } from './report-issue.js';

const CODES = {
    'output-not-csv': IssueCodes.OutputNotCsv,
    'output-outside': IssueCodes.OutputOutside,
    'output-exists': IssueCodes.OutputExists,
} as const;

export class InvSynthesisOutputValidator {
    private readonly files: OracleFiles;

    constructor(services: InvServices) {
        this.files = services.files.OracleFiles;
    }

    async checkOutput(block: Synthesis, accept: ValidationAcceptor): Promise<void> {
        const field = synthesisOutputField(block);
        if (field?.path === undefined) return;
        const folder = documentFolder(block);
        const path = resolveDocumentPath(block, field.path);
        if (folder === undefined || path === undefined) return;
        const check = await this.files.synthesisOutput(path, folder, synthesisOverwrite(block));
        if (!('code' in check)) return;
        reportIssue(accept, 'error', CODES[check.code], `cannot write ${field.path}: ${check.message}`, { node: field, property: 'path' });
    }
}
