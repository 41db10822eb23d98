/**
 * The codes are a contract: every code LANGUAGE.md lists exists, and every code this
 * implementation reports is documented in the README's language section.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { IssueCodes } from '../../src/language/issue-codes.js';

const SPEC_CODES = [
    'syntax', 'unknown-oracle', 'unknown-feature', 'unknown-output', 'unknown-constraint', 'unknown-function', 'wrong-arity',
    'duplicate-name', 'duplicate-field', 'model-missing', 'not-trained', 'model-unreadable', 'input-count', 'output-count',
    'bad-bound', 'non-finite', 'fix-outside-domain', 'fixed-and-bounded', 'all-fixed', 'target-twice', 'no-target',
    'not-positive', 'not-integer', 'stop-needs-using', 'constraint-variable', 'too-deep', 'data-missing', 'data-column',
    'class-labels', 'extrapolation', 'objective-unbounded', 'unbounded-feature', 'bound-outside-domain', 'unreachable-piece',
];

const codes = Object.values(IssueCodes) as string[];

test('every code of LANGUAGE.md exists', () => {
    expect(SPEC_CODES.filter((c) => !codes.includes(c))).toEqual([]);
});

test("every code is listed in the README's language section", () => {
    const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
    // Only the Diagnostics table: other tables (dependencies, settings) have names in backticks too.
    const doc = readme.slice(readme.indexOf('### Diagnostics'), readme.indexOf('### Editor features'));
    expect(doc.length).toBeGreaterThan(1000);
    const documented = [...doc.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]);
    expect(codes.filter((c) => !documented.includes(c))).toEqual([]);
    expect(documented.filter((c) => !codes.includes(c))).toEqual([]);
});

test('codes are unique kebab-case', () => {
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of codes) expect(c).toMatch(/^[a-z]+(-[a-z]+)*$/);
});
