/**
 * Every way a command can fail, turned into lines a person can act on and an exit status.
 * Bad input is never answered with a stack trace: data defects print like diagnostics with
 * the CSV's own line, translation errors with the .inv file's position, engine errors with
 * their message (which says what to do).
 */
import { relative } from 'node:path';
import { AstUtils, type AstNode } from 'langium';
import { DataDefectError, formatDataDiagnostic } from '../engine/contract/errors.js';
import { EngineError } from '../engine/contract/errors.js';
import { SpecError } from '../language/to-spec.js';
import { ExitCode } from './exit-codes.js';

/** A path as the user would type it from here: relative when it is below the working folder. */
export function shownPath(path: string): string {
    const rel = relative(process.cwd(), path);
    return rel === '' || rel.startsWith('..') ? path : rel;
}

export interface Failure {
    lines: string[];
    exitCode: ExitCode;
}

/**
 * `at` is the block that was being run or trained: an engine error is reported at it, like a
 * diagnostic (`paper.inv:27:1 error run-failed ...`), so the user knows which block failed.
 */
export function describeFailure(e: unknown, file: string, at?: AstNode): Failure {
    if (e instanceof DataDefectError) {
        const lines = e.diagnostics.map((d) => formatDataDiagnostic({ ...d, file: shownPath(d.file) }));
        if (e.omitted > 0) lines.push(`(${e.omitted} more data defects not shown)`);
        return { lines, exitCode: ExitCode.errors };
    }
    if (e instanceof SpecError) {
        return { lines: [`${where(e.node ?? at, file)} error invalid ${e.message}`], exitCode: ExitCode.errors };
    }
    if (e instanceof EngineError) return { lines: [`${where(at, file)} error run-failed ${e.message}`], exitCode: ExitCode.runFailed };
    // Anything else is a fault of inv itself, not of the input: say so plainly; the stack only on request.
    const message = e instanceof Error ? e.message : String(e);
    const lines = [
        `${where(at, file)} error run-failed ${message}`,
        'This is a fault in inv, not in your file; set INV_DEBUG=1 to see where it happened, and please report it.',
    ];
    if (process.env.INV_DEBUG && e instanceof Error && e.stack) lines.push(e.stack);
    return { lines, exitCode: ExitCode.runFailed };
}

/** `FILE:LINE:COL` of a node (1-based), or just FILE when there is no node. */
function where(node: AstNode | undefined, file: string): string {
    if (!node?.$cstNode) return shownPath(file);
    const start = node.$cstNode.range.start;
    const path = AstUtils.getDocument(node).uri.fsPath || file;
    return `${shownPath(path)}:${start.line + 1}:${start.character + 1}`;
}
