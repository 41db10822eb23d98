/**
 * The language services for tests, documents placed in the fixtures folder (so relative
 * paths in them resolve to test/language/fixtures/), and `«marked»` ranges: a test writes the
 * token a diagnostic must point at between « and », and gets the text without the marks.
 */
import { URI, type LangiumDocument } from 'langium';
import { NodeFileSystem } from 'langium/node';
import { validationHelper } from 'langium/test';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Diagnostic, Range } from 'vscode-languageserver';
import type { InvFile } from '../../src/language/generated/ast.js';
import { createInvServices } from '../../src/language/inv-module.js';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

export const services = createInvServices(NodeFileSystem);
export const Inv = services.Inv;

let counter = 0;
/** A fresh document URI in the fixtures folder (Langium refuses two documents with one URI). */
export function fixtureUri(): string {
    counter += 1;
    return URI.file(join(FIXTURES, `test-${process.pid}-${counter}.inv`)).toString();
}

const validateText = validationHelper<InvFile>(Inv);

/** Parses, links and validates (all categories) a document in the fixtures folder. */
export async function validate(text: string): Promise<LangiumDocument<InvFile>> {
    return (await validateText(text, { documentUri: fixtureUri() })).document;
}

/** Text with «marks» removed, and the marked ranges as offsets into it. */
export function unmark(marked: string): { text: string; marks: Array<{ start: number; end: number }> } {
    const marks: Array<{ start: number; end: number }> = [];
    let text = '';
    let open = -1;
    for (const ch of marked) {
        if (ch === '«') open = text.length;
        else if (ch === '»') { marks.push({ start: open, end: text.length }); open = -1; }
        else text += ch;
    }
    return { text, marks };
}

export function rangeText(document: LangiumDocument, range: Range): string {
    return document.textDocument.getText(range);
}

/**
 * Validates `marked` and expects exactly one diagnostic with `code`, of `severity`, whose
 * range is exactly the first «marked» span. Returns it for further checks of its message.
 */
export async function expectIssue(marked: string, code: string, severity: 'error' | 'warning'): Promise<Diagnostic> {
    const { text, marks } = unmark(marked);
    const document = await validate(text);
    const found = (document.diagnostics ?? []).filter((d) => d.code === code);
    const others = (document.diagnostics ?? []).map((d) => `${d.code}@${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message}`);
    expect(found.length, `one ${code} diagnostic expected; got: ${others.join(' | ')}`).toBe(1);
    const d = found[0];
    expect(d.severity).toBe(severity === 'error' ? 1 : 2);
    expect((d.data as { code?: string } | undefined)?.code).toBe(code);
    const mark = marks[0];
    expect({ start: document.textDocument.offsetAt(d.range.start), end: document.textDocument.offsetAt(d.range.end) },
        `range of ${code}: got "${rangeText(document, d.range)}"`).toEqual(mark);
    return d;
}

/** The codes of every diagnostic of a document, in order. */
export function codes(document: LangiumDocument): string[] {
    return (document.diagnostics ?? []).map((d) => String(d.code));
}

/** A minimal valid oracle on the fixture model with recorded metadata (x1..x4 on [0, 500], y seen in [0, 2000]). */
export const POLY = `oracle Poly {
  model "models/poly/model.json"
  inputs x1, x2, x3, x4
  outputs y
}
`;
