/**
 * Scopes: `oracle X` names an oracle of this file; a feature or output in an inversion or
 * synthesis names one of ITS oracle's columns; `using C` names a constraint; the first of two
 * equal names is the one that links; nothing links across files.
 */
import { expect, test } from 'vitest';
import { runBounds, runFixItems, runTargets, synthesisLike } from '../../src/language/ast-fields.js';
import type { Inversion, Oracle, Synthesis } from '../../src/language/generated/ast.js';
import { codes, validate } from './inv-test-services.js';

const TWO = `oracle A { model "models/poly/model.json" inputs x1, x2, x3, x4 outputs y }
oracle B { model "models/poly/model.json" inputs x1, x2, x3, x4 outputs y }
constraint c { when x > 0: x }
`;

test('features and outputs resolve against the block\'s own oracle', async () => {
    const document = await validate(`${TWO}inversion OnA { oracle A target y = 1 fix x1 = 1 bound x2 in [0, 1] using c }
inversion OnB { oracle B target y = 1 fix x1 = 1 }
synthesize S { oracle B like "data/poly.csv" column y count 1 output "o.csv" }`);
    expect(codes(document)).toEqual([]);
    const [a, b, , onA, onB, s] = document.parseResult.value.elements as [Oracle, Oracle, unknown, Inversion, Inversion, Synthesis];
    expect(runFixItems(onA)[0].feature.ref?.$container.$container).toBe(a);
    expect(runTargets(onA)[0].output.ref?.$container.$container).toBe(a);
    expect(runBounds(onA)[0].constraint?.ref?.name).toBe('c');
    expect(runFixItems(onB)[0].feature.ref?.$container.$container).toBe(b);
    expect(synthesisLike(s)?.output.ref?.$container.$container).toBe(b);
});

test('an oracle name is not a constraint, nor a constraint an oracle', async () => {
    const document = await validate(`${TWO}inversion I { oracle c target y = 1 bound x1 in [0, 1] using A }`);
    expect(codes(document)).toEqual(['unknown-oracle', 'unknown-constraint']);
});

test('the first of two equal names links; the second is a duplicate-name error', async () => {
    const document = await validate(`${TWO}oracle A { model "models/plain/model.json" inputs a, b outputs z }
inversion I { oracle A target y = 1 }`);
    expect(codes(document)).toEqual(['duplicate-name']);
});

test('without its oracle, a block\'s feature and output names are not reported one by one', async () => {
    const document = await validate(`${TWO}inversion I { target y = 1 fix x9 = 1 }`);
    expect(codes(document)).toEqual(['missing-field']);
});
