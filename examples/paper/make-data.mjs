#!/usr/bin/env node
// Writes the paper's data set, deterministically: data/poly4-train.csv (10,000 rows) and
// data/poly4-test.csv (1,000 rows), x1..x4 uniform on [0, 500], y the paper's function.
//
//   y = 9 x1^0.87 + 8.97 x2^0.02 + 0.876 x3^0.12 + 2.9876 x4^0.987
//
// The paper prints `x1` in the second term (8.97 x1^0.02), but its reported solutions only
// add up to their targets with `x2` there, and x2 would otherwise not appear at all: we use
// x2. examples/true-function.mjs evaluates the same function on a results file.
//
// Usage: node examples/paper/make-data.mjs   (rewrites both files; same bytes every time)
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { poly4 } from '../true-function.mjs';
import { mulberry32 } from '../seeded-random.mjs';

const here = dirname(fileURLToPath(import.meta.url));

function table(rows, seed) {
    const random = mulberry32(seed);
    const lines = ['x1,x2,x3,x4,y'];
    for (let i = 0; i < rows; i++) {
        // Rounded first, so y is exactly the function of the x written in the file.
        const x = [0, 1, 2, 3].map(() => Number((500 * random()).toFixed(4)));
        lines.push([...x.map((v) => v.toFixed(4)), poly4(x).toFixed(6)].join(','));
    }
    return lines.join('\n') + '\n';
}

mkdirSync(join(here, 'data'), { recursive: true });
writeFileSync(join(here, 'data/poly4-train.csv'), table(10_000, 20_240_601));
writeFileSync(join(here, 'data/poly4-test.csv'), table(1_000, 20_240_602));
console.log('wrote examples/paper/data/poly4-train.csv (10000 rows) and poly4-test.csv (1000 rows)');
