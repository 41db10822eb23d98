#!/usr/bin/env node
// Judges a results file of one of the benchmark files on the TRUE function: the figures of
// run.mjs for each run in it.   node bench/inverse/judge.mjs RESULTS.json
import { readFileSync } from 'node:fs';
import { BENCHMARKS, measure } from './benchmarks.mjs';
import { PROBLEMS } from './problems.mjs';

const results = JSON.parse(readFileSync(process.argv[2], 'utf8'));
for (const result of Array.isArray(results) ? results : [results]) {
    const bench = BENCHMARKS.find((b) => b.runs.some(([name]) => name === result.name));
    if (!bench) {
        console.log(`${result.name}: not a benchmark run`);
        continue;
    }
    const m = measure(bench, PROBLEMS[bench.problem], result);
    console.log(result.name, JSON.stringify(m, (k, v) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(3)) : v)));
}
