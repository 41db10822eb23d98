/**
 * The examples stay valid: no errors in examples/showcase/showcase.inv (models not trained
 * yet are warnings) or examples/paper/paper.inv, through the CLI's own loading path.
 */
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { loadInvDocuments } from '../../src/cli/document.js';

const example = (path: string) => fileURLToPath(new URL(`../../examples/${path}`, import.meta.url));

test.each(['showcase/showcase.inv', 'paper/paper.inv', 'pytorch/cars.inv', 'pytorch/paper-exp2.inv'])('%s has no errors', async (path) => {
    const { documents } = await loadInvDocuments([example(path)]);
    const problems = (documents[0].diagnostics ?? []).filter((d) => d.severity === 1 || (d.severity === 2 && d.code !== 'not-trained'));
    expect(problems.map((d) => `${d.range.start.line + 1}: ${d.code} ${d.message}`)).toEqual([]);
});

test('the showcase uses every construct it promises', async () => {
    const { documents } = await loadInvDocuments([example('showcase/showcase.inv')]);
    const text = documents[0].textDocument.getText();
    for (const construct of ['classify', 'skip missing', 'else', 'method adjoint', 'maximize', 'minimize', '<=', '>=', ' in [', 'tolerance', 'synthesize', 'like ', 'using', 'stop outside bounds', 'diversity', 'backend']) {
        expect(text, construct).toContain(construct);
    }
    expect(documents[0].parseResult.value.elements.map((e) => e.$type)).toEqual([
        'Oracle', 'Oracle', 'Constraint', 'Inversion', 'Inversion', 'Inversion', 'Inversion', 'Synthesis', 'Synthesis']);
});
