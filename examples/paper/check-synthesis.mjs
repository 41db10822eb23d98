#!/usr/bin/env node
// Judges the rows synthesis.inv writes on the TRUE function, not on the oracle that made them.
//
//   node out/cli.cjs run examples/paper/synthesis.inv      (writes examples/paper/out/*.csv)
//   node examples/paper/check-synthesis.mjs [--like FILE.csv] [--range FILE.csv] [--low 1500]
//                                           [--high 1800] [--fix x4=250] [--data FILE.csv]
//
// --like (default out/like-data.csv): the two-sample Kolmogorov-Smirnov distance between
//   f(rows), f the paper's true function, and the y column of --data (default
//   data/poly4-train.csv); goal <= 0.05.
// --range (default out/high-end.csv): the share of rows whose true f lies in [--low, --high]
//   (goal >= 95 %), whether the --fix feature holds its value exactly in every row, and how
//   many rows are distinct at 6 significant digits (goal >= half the rows).
// Exits 1 when a goal is missed, 2 when a file cannot be read.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { poly4 } from '../true-function.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const FEATURES = ['x1', 'x2', 'x3', 'x4'];

function option(name, fallback) {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

/** A CSV of numbers with a header row, as columns by name. */
function readColumns(path) {
    let text;
    try {
        text = readFileSync(path, 'utf8');
    } catch (e) {
        console.error(`${path}: cannot read it (${e.message}); run \`node out/cli.cjs run examples/paper/synthesis.inv\` first`);
        process.exit(2);
    }
    const [header, ...lines] = text.trim().split('\n');
    const names = header.split(',').map((n) => n.replace(/^"|"$/g, ''));
    const rows = lines.map((l) => l.split(',').map(Number));
    return { rows: rows.length, column: (name) => rows.map((r) => r[names.indexOf(name)]), line: (i) => lines[i] };
}

/** Two-sample Kolmogorov-Smirnov distance (ties stepped past together). */
export function ks(a, b) {
    const x = Float64Array.from(a).sort();
    const y = Float64Array.from(b).sort();
    let i = 0, j = 0, gap = 0;
    while (i < x.length && j < y.length) {
        const v = Math.min(x[i], y[j]);
        while (i < x.length && x[i] === v) i++;
        while (j < y.length && y[j] === v) j++;
        gap = Math.max(gap, Math.abs(i / x.length - j / y.length));
    }
    return gap;
}

const trueValues = (csv) => Array.from({ length: csv.rows }, (_, i) => poly4(FEATURES.map((f) => csv.column(f)[i])));

const likePath = option('like', join(here, 'out/like-data.csv'));
const rangePath = option('range', join(here, 'out/high-end.csv'));
const dataPath = option('data', join(here, 'data/poly4-train.csv'));
const low = Number(option('low', '1500'));
const high = Number(option('high', '1800'));
const [fixName, fixValue] = option('fix', 'x4=250').split('=');

let failed = false;
const verdict = (ok) => {
    failed ||= !ok;
    return ok ? 'ok' : 'MISSED';
};

const like = readColumns(likePath);
const distance = ks(trueValues(like), readColumns(dataPath).column('y'));
console.log(`${likePath}: ${like.rows} rows; KS distance between f(rows) and the data's y: ${distance.toFixed(4)} (goal <= 0.05: ${verdict(distance <= 0.05)})`);

const range = readColumns(rangePath);
const truth = trueValues(range);
const inside = truth.filter((v) => v >= low && v <= high).length;
const exact = range.column(fixName).every((v) => v === Number(fixValue));
const rounded = (i) => FEATURES.map((f) => Number(range.column(f)[i].toPrecision(6))).join(',');
const distinct = new Set(Array.from({ length: range.rows }, (_, i) => rounded(i))).size;
console.log(`${rangePath}: ${range.rows} rows`);
console.log(`  true f in [${low}, ${high}]: ${inside} rows, ${((100 * inside) / range.rows).toFixed(1)} % (goal >= 95 %: ${verdict(inside >= 0.95 * range.rows)})`);
console.log(`  ${fixName} = ${fixValue} in every row: ${exact ? 'yes' : 'no'} (${verdict(exact)})`);
console.log(`  distinct rows (inputs at 6 significant digits): ${distinct} (goal >= ${Math.ceil(range.rows / 2)}: ${verdict(distinct >= range.rows / 2)})`);
console.log(`  true f over the rows: min ${Math.min(...truth).toFixed(2)}, max ${Math.max(...truth).toFixed(2)}`);
process.exit(failed ? 1 : 0);
