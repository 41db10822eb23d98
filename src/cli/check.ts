/**
 * `inv check FILE... [--json]`: validate and print every diagnostic as
 * `FILE:LINE:COL severity code message` (1-based), or one JSON array with --json.
 * Exit 0 when no file has an error (warnings are fine), 1 when one has, 2 for bad usage
 * (a file that is not there, a folder, not an .inv file): each such file is named.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import type { Diagnostic } from 'vscode-languageserver';
import { loadInvDocuments } from './document.js';
import { ExitCode } from './exit-codes.js';

export interface CheckOptions {
    json: boolean;
}

/** One diagnostic as `inv check` prints it in JSON. */
export interface CheckedDiagnostic {
    file: string;
    /** 1-based, like the text format. */
    line: number;
    column: number;
    endLine: number;
    endColumn: number;
    severity: SeverityName;
    code: string;
    message: string;
}

type SeverityName = 'error' | 'warning' | 'info' | 'hint';

const SEVERITY: Record<number, SeverityName> = { 1: 'error', 2: 'warning', 3: 'info', 4: 'hint' };

export function severityName(d: Diagnostic): SeverityName {
    return SEVERITY[d.severity ?? 1] ?? 'error';
}

/** `FILE:LINE:COL severity code message`, on one line. */
export function formatDiagnostic(file: string, d: Diagnostic): string {
    const { line, character } = d.range.start;
    const message = messageText(d);
    return `${file}:${line + 1}:${character + 1} ${severityName(d)} ${String(d.code ?? 'syntax')} ${message}`;
}

/** LSP 3.18 allows markup in a message; the terminal gets its text, on one line. */
function messageText(d: Diagnostic): string {
    const text = typeof d.message === 'string' ? d.message : d.message.value;
    return text.replace(/\s*\n\s*/g, ' ');
}

export function toCheckedDiagnostic(file: string, d: Diagnostic): CheckedDiagnostic {
    return {
        file,
        line: d.range.start.line + 1,
        column: d.range.start.character + 1,
        endLine: d.range.end.line + 1,
        endColumn: d.range.end.character + 1,
        severity: severityName(d),
        code: String(d.code ?? 'syntax'),
        message: messageText(d),
    };
}

export async function checkCommand(files: string[], opts: CheckOptions): Promise<ExitCode> {
    if (files.length === 0) {
        process.stderr.write('inv check: give one or more .inv files, e.g. `inv check model.inv`\n');
        return ExitCode.usage;
    }
    const problems = files.map(usageProblem).filter((p): p is string => p !== undefined);
    if (problems.length > 0) {
        for (const p of problems) process.stderr.write(`inv check: ${p}\n`);
        return ExitCode.usage;
    }
    // A file named twice is checked (and printed) once.
    files = files.filter((f, i) => files.findIndex((g) => resolve(g) === resolve(f)) === i);
    const { documents } = await loadInvDocuments(files);
    const all: CheckedDiagnostic[] = [];
    documents.forEach((document, i) => {
        const diagnostics = [...(document.diagnostics ?? [])].sort(byPosition);
        for (const d of diagnostics) all.push(toCheckedDiagnostic(files[i], d));
    });
    if (opts.json) {
        await writeOut(JSON.stringify(all, null, 2) + '\n');
    } else {
        const lines = all.map((d) => `${d.file}:${d.line}:${d.column} ${d.severity} ${d.code} ${d.message}`);
        if (lines.length > 0) await writeOut(lines.join('\n') + '\n');
        const errors = all.filter((d) => d.severity === 'error').length;
        const warnings = all.filter((d) => d.severity === 'warning').length;
        if (errors + warnings > 0) {
            process.stderr.write(`${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(files.length, 'file')}\n`);
        }
    }
    return all.some((d) => d.severity === 'error') ? ExitCode.errors : ExitCode.ok;
}

/** Writes to stdout and waits until it is handed over (the caller exits right after). */
function writeOut(text: string): Promise<void> {
    return new Promise((resolvePromise) => process.stdout.write(text, () => resolvePromise()));
}

/** Why a file cannot be checked at all, or undefined. */
function usageProblem(file: string): string | undefined {
    const path = resolve(file);
    if (!existsSync(path)) return `${file}: file not found`;
    const info = statSync(path);
    if (info.isDirectory()) return `${file}: is a folder; give an .inv file`;
    if (!info.isFile()) return `${file}: is not a regular file (a pipe or a device); give an .inv file`;
    if (extname(path) !== '.inv') return `${file}: not an .inv file; inv reads files ending in .inv`;
    try {
        accessSync(path, constants.R_OK);
    } catch {
        return `${file}: cannot be read (permission denied)`;
    }
    return undefined;
}

/** File order, as an editor lists them; shared with `run` and `train`, which print the same lines. */
export function byPosition(a: Diagnostic, b: Diagnostic): number {
    return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
}

function plural(n: number, noun: string): string {
    return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
