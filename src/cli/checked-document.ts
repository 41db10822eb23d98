/**
 * What `run` and `train` do before anything else: read the .inv file, validate it exactly as
 * `inv check` does, and print its diagnostics the same way. With an error nothing is run or
 * trained (exit 1); a file that is not there is bad usage (exit 2).
 */
import { existsSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import type { LangiumDocument } from 'langium';
import type { InvFile } from '../language/generated/ast.js';
import { IssueCodes } from '../language/issue-codes.js';
import { byPosition, formatDiagnostic } from './check.js';
import { loadInvDocuments } from './document.js';
import { ExitCode } from './exit-codes.js';
import { shownPath } from './failure.js';

/** Where a command writes: stdout for results, stderr for everything about them. */
export interface CommandOutput {
    out(line: string): void;
    err(line: string): void;
}

export const processOutput: CommandOutput = {
    out: (line) => process.stdout.write(line + '\n'),
    err: (line) => process.stderr.write(line + '\n'),
};

const NOT_TRAINED = IssueCodes.NotTrained;

export type CheckedDocument = { ok: true; document: LangiumDocument<InvFile> } | { ok: false; exitCode: ExitCode };

export async function loadCheckedDocument(file: string, out: CommandOutput, opts: { quiet?: boolean } = {}): Promise<CheckedDocument> {
    const path = resolve(file);
    if (!existsSync(path)) {
        out.err(`${file}: file not found`);
        return { ok: false, exitCode: ExitCode.usage };
    }
    const info = statSync(path);
    if (!info.isFile()) {
        out.err(`${file}: ${info.isDirectory() ? 'is a folder' : 'is not a regular file (a pipe or a device)'}; give an .inv file`);
        return { ok: false, exitCode: ExitCode.usage };
    }
    if (extname(path) !== '.inv') {
        out.err(`${file}: not an .inv file; inv reads files ending in .inv`);
        return { ok: false, exitCode: ExitCode.usage };
    }
    const { documents } = await loadInvDocuments([path]);
    const document = documents[0];
    const diagnostics = [...(document.diagnostics ?? [])].sort(byPosition);
    const errors = diagnostics.filter((d) => d.severity === 1);
    for (const d of diagnostics) {
        // `train` and `run` train a missing model themselves (and say so): that warning is news to nobody here.
        if (d.code === NOT_TRAINED) continue;
        // Warnings are worth reading but not worth a pipe's attention with --quiet.
        if (d.severity === 1 || (!opts.quiet && d.severity === 2)) out.err(formatDiagnostic(shownPath(path), d));
    }
    if (errors.length > 0) {
        out.err(`${shownPath(path)}: ${errors.length} error(s); nothing was run (fix them, then run again; \`inv check\` lists them)`);
        return { ok: false, exitCode: ExitCode.errors };
    }
    return { ok: true, document };
}
