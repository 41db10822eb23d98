/**
 * Bad input gets diagnostics on the right line and never crashes: random bytes, a 5 MB
 * file, expressions nested 100,000 deep in every way the grammar recurses, broken and
 * unreadable model files, CSVs without the declared column.
 */
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { MAX_SYNTAX_DIAGNOSTICS } from '../../src/language/inv-document-validator.js';
import { codes, validate } from './inv-test-services.js';

/** A deterministic byte source (a linear congruential generator). */
function randomText(length: number, seed: number): string {
    let state = seed;
    const chars: string[] = [];
    for (let i = 0; i < length; i++) {
        state = (state * 1103515245 + 12345) % 2147483648;
        chars.push(String.fromCharCode(state % 256));
    }
    return chars.join('');
}

/** "code@line:column" of every diagnostic (1-based). */
async function located(text: string): Promise<string[]> {
    const document = await validate(text);
    return (document.diagnostics ?? []).map((d) => `${d.code}@${d.range.start.line + 1}:${d.range.start.character + 1}`);
}

const TAIL = '\ninversion I { oracle Nope }';
const TAIL_ISSUES = ['unknown-oracle@2:22', 'no-target@2:11'];

describe('random and large input', () => {
    test('1 MB of random bytes: syntax diagnostics, capped, no crash', async () => {
        // NUL characters would make it "not a text file" (the `encoding` diagnostic, below); without them, syntax.
        const document = await validate(randomText(1_000_000, 7).replace(/\0/g, ' '));
        const all = document.diagnostics ?? [];
        expect(all.length).toBeGreaterThan(0);
        expect(all.every((d) => d.code === 'syntax' || d.code === 'too-deep')).toBe(true);
        // Each of lexing and parsing lists at most the cap, plus one line saying how many more.
        expect(all.length).toBeLessThanOrEqual(2 * (MAX_SYNTAX_DIAGNOSTICS + 1));
        expect(all.some((d) => /more .* after this one/.test(String(d.message)))).toBe(true);
    });

    test('random bytes with NUL characters, or UTF-16 text read as UTF-8: one `encoding` diagnostic, not hundreds of syntax errors', async () => {
        const binary = await validate('oracle P { model "m.json" }\0\0 inputs a outputs y');
        expect((binary.diagnostics ?? []).map((d) => [d.code, d.message])).toEqual([
            ['encoding', 'this file holds NUL characters: it is not a text file, or not UTF-8; .inv files are UTF-8 text'],
        ]);
        const utf16 = await validate(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('oracle P { model "m.json" inputs a outputs y }', 'utf16le')]).toString('utf8'));
        expect((utf16.diagnostics ?? []).map((d) => d.code)).toEqual(['encoding']);
        expect(String(utf16.diagnostics![0].message)).toMatch(/encoded as UTF-16/);
    });

    test('a 5 MB file: the error on its last line is reported on that line', async () => {
        const filler = '// a comment that pads the file to five megabytes, line after line\n';
        const lines = Math.ceil(5_000_000 / filler.length);
        const text = filler.repeat(lines) + 'inversion I { oracle Nope target y = 1 }';
        expect(text.length).toBeGreaterThan(5_000_000);
        expect(await located(text)).toEqual([`unknown-oracle@${lines + 1}:22`]);
    });
});

test('2,000 inversions: an error in the last one is reported on its line', async () => {
    const { POLY } = await import('./inv-test-services.js');
    const blocks = Array.from({ length: 2000 }, (_, i) => `inversion I${i} {\n  oracle Poly\n  target y = ${i}\n  bound x1, x2, x3, x4 in [0, 100]\n}`);
    blocks[1999] = blocks[1999].replace('target y', 'target z');
    const text = `${POLY}${blocks.join('\n')}\n`;
    const line = text.split('\n').findIndex((l) => l.includes('target z')) + 1;
    expect(await located(text)).toEqual([`unknown-output@${line}:10`]);
});

describe('deep nesting never reaches the parser', () => {
    test.each([
        ['100,000 nested parentheses', `${'('.repeat(100_000)}x${')'.repeat(100_000)}`, 'too-deep@1:92'],
        ['100,000 unclosed parentheses', `${'('.repeat(100_000)}x`, 'too-deep@1:92'],
        ['100,000 unary minuses', `${'-'.repeat(100_000)}x`, 'too-deep@1:92'],
        ['a chain of 100,000 powers', Array(100_000).fill('x').join('^'), 'too-deep@1:157'],
        ['a sum of 100,000 terms', Array(100_000).fill('x').join(' + '), 'too-deep@1:286'],
        ['100,000 nested calls', `${'max('.repeat(100_000)}x${', 1)'.repeat(100_000)}`, 'too-deep@1:287'],
    ])('%s: too-deep where the limit is crossed, the rest of the file still checked', async (_name, body, where) => {
        const issues = await located(`constraint c { when x > 0: ${body} }${TAIL}`);
        expect(issues[0]).toBe(where);
        expect(issues).toEqual(expect.arrayContaining(TAIL_ISSUES));
    });

    test('parentheses left open: one syntax error where the expression ends, not a recovery 64 levels down', async () => {
        const issues = await located(`constraint c { when x > 0: ${'('.repeat(64)}x }${TAIL}`);
        expect(issues).toEqual(['syntax@1:94', ...TAIL_ISSUES.slice(0, 1), 'no-target@2:11']);
    });

    test('two deep expressions in one file are both reported', async () => {
        const deep = `${'('.repeat(1000)}x${')'.repeat(1000)}`;
        const issues = await located(`constraint c {\n  when x > 0: ${deep}\n  when x < 0: ${deep}\n}`);
        expect(issues).toEqual(['too-deep@2:79', 'too-deep@3:79']);
    });
});

describe('broken files an oracle names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'inv-bad-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    async function validateIn(text: string): Promise<string[]> {
        const { services } = await import('./inv-test-services.js');
        const { parseHelper } = await import('langium/test');
        const { URI } = await import('langium');
        const document = await parseHelper(services.Inv)(text, { documentUri: URI.file(join(dir, `t${Math.random()}.inv`)).toString(), validation: true });
        return (document.diagnostics ?? []).map((d) => `${d.code}@${d.range.start.line + 1} ${d.message}`);
    }

    test('model.json that is a folder', async () => {
        const issues = await validateIn(`oracle P { model "." inputs a outputs b }`);
        expect(issues).toEqual([expect.stringMatching(/^model-unreadable@1 .*is a folder/)]);
    });

    test('model.json with a malformed userDefinedMetadata.inv', async () => {
        writeFileSync(join(dir, 'meta.json'), JSON.stringify({
            modelTopology: { class_name: 'Sequential', config: { layers: [{ class_name: 'Dense', config: { units: 1, batch_input_shape: [null, 1] } }] } },
            weightsManifest: [],
            userDefinedMetadata: { inv: { inputs: [{ name: 'a', min: 'zero', max: 1, mean: 0, std: 1 }], outputs: [] } },
        }));
        const issues = await validateIn(`oracle P { model "meta.json" inputs a outputs b }`);
        expect(issues).toEqual([expect.stringMatching(/^model-unreadable@1 .*inputs\[0\]\.min that is not a finite number.*inv train/)]);
    });

    test('model.json whose weights file is missing', async () => {
        writeFileSync(join(dir, 'noweights.json'), JSON.stringify({
            modelTopology: { class_name: 'Sequential', config: { layers: [{ class_name: 'Dense', config: { units: 1, batch_input_shape: [null, 1] } }] } },
            weightsManifest: [{ paths: ['gone.bin'], weights: [] }],
        }));
        const issues = await validateIn(`oracle P { model "noweights.json" inputs a outputs b }`);
        expect(issues).toEqual([expect.stringMatching(/^model-unreadable@1 .*weights file gone\.bin is missing/)]);
    });

    test('an unreadable model.json (no permission)', async () => {
        const path = join(dir, 'locked.json');
        writeFileSync(path, '{}');
        chmodSync(path, 0o000);
        const issues = await validateIn(`oracle P {\n  model "locked.json"\n  inputs a outputs b }`);
        // As root the file stays readable; then it is "no modelTopology". Either way: one clear error on line 2.
        expect(issues).toEqual([expect.stringMatching(/^model-unreadable@2 (.*cannot be read \(EACCES\)|.*no modelTopology)/)]);
    });

    test('an empty CSV and a binary CSV', async () => {
        writeFileSync(join(dir, 'empty.csv'), '');
        writeFileSync(join(dir, 'binary.csv'), Buffer.alloc(2 << 20, 1));
        const issues = await validateIn(`oracle P { model "nope.json" data "empty.csv" test "binary.csv" inputs a outputs b }`);
        expect(issues).toEqual([
            expect.stringMatching(/^not-trained@1 /),
            expect.stringMatching(/^data-missing@1 .*empty: it needs a header row/),
            expect.stringMatching(/^data-missing@1 .*no line break in its first MiB/),
        ]);
    });

    test('a CSV without the declared column names it on the declaration', async () => {
        writeFileSync(join(dir, 'cols.csv'), 'a,c\n1,2\n');
        const issues = await validateIn(`oracle P {\n  model "nope.json"\n  data "cols.csv"\n  inputs a,\n    b\n  outputs c\n}`);
        expect(issues).toEqual([
            expect.stringMatching(/^not-trained@2 /),
            expect.stringMatching(/^data-column@5 the data file cols\.csv has no column `b`/),
        ]);
    });
});

test('codes() sees a clean file as clean', async () => {
    expect(codes(await validate('constraint c { when x > 0: x }'))).toEqual([]);
});

test('if parsing throws anyway, the document gets one syntax error and the next parse works', async () => {
    const { InvParser } = await import('../../src/language/inv-parser.js');
    const { Inv } = await import('./inv-test-services.js');
    const parser = new InvParser(Inv);
    // Simulate what the nesting guard exists to prevent: a parse that overflows the stack.
    const inner = (parser as unknown as { inner: { parse(text: string): unknown } }).inner;
    inner.parse = () => { throw new RangeError('Maximum call stack size exceeded'); };
    const broken = parser.parse('oracle P { }');
    expect(broken.parserErrors).toEqual([]);
    expect(broken.lexerReport?.diagnostics.map((d) => d.message)).toEqual(['This file cannot be read (it nests too deeply); simplify it.']);
    const next = parser.parse('oracle P { }');
    expect((next.value as unknown as { elements: unknown[] }).elements).toHaveLength(1);
});
