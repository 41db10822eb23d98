#!/usr/bin/env node
// Writes the inverse-problem benchmarks' data, deterministically (same bytes every time):
// data/<problem>-train.csv (10,000 rows, as Ren et al. 2020 used) and data/<problem>-test.csv
// (1,000 rows), inputs drawn from each problem's prior, outputs its TRUE forward function
// (problems.mjs) at the inputs as written.
//
// Usage: node bench/inverse/make-data.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROBLEMS, randomSource } from './problems.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const SEEDS = { sine: 2020_01, arm: 2021_01, ballistics: 2021_02 };

function table(problem, rows, seed) {
    const random = randomSource(seed);
    const lines = [[...problem.inputs, ...problem.outputs].join(',')];
    while (lines.length <= rows) {
        // Rounded first, so the outputs are exactly the function of the inputs written.
        const x = problem.sample(random).map((v) => Number(v.toFixed(6)));
        const y = problem.forward(x);
        if (!y.every(Number.isFinite)) continue;
        lines.push([...x.map((v) => String(v)), ...y.map((v) => v.toFixed(7))].join(','));
    }
    return lines.join('\n') + '\n';
}

mkdirSync(join(here, 'data'), { recursive: true });
for (const [name, problem] of Object.entries(PROBLEMS)) {
    writeFileSync(join(here, `data/${name}-train.csv`), table(problem, 10_000, SEEDS[name]));
    writeFileSync(join(here, `data/${name}-test.csv`), table(problem, 1_000, SEEDS[name] + 1));
    console.log(`wrote bench/inverse/data/${name}-train.csv (10000 rows) and ${name}-test.csv (1000 rows)`);
}
