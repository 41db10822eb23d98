#!/usr/bin/env node
// Writes the penguins example's data, deterministically, from the 344 Palmer penguins of the
// vega-datasets package (a dev dependency):
// - data/penguins.csv: the 342 penguins with all four measurements, and their species;
// - data/train.csv and data/test.csv: a seeded split of those, stratified by species, with
//   TEST_SHARE of each species held out. The oracle trains on train.csv only; test.csv is
//   the held-out set that check-balance.mjs judges classifiers on.
//
// Usage: node examples/penguins/make-data.mjs   (same bytes every time)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../seeded-random.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const TEST_SHARE = 0.3;
const MEASUREMENTS = ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)'];
const COLUMNS = [...MEASUREMENTS, 'Species'];

const quote = (name) => (/[",\s()]/.test(name) ? `"${name.replace(/"/g, '""')}"` : name);
const csv = (rows) => [COLUMNS.map(quote).join(','), ...rows.map((p) => COLUMNS.map((c) => String(p[c])).join(','))].join('\n') + '\n';

const all = JSON.parse(readFileSync(join(here, '../../node_modules/vega-datasets/data/penguins.json'), 'utf8'));
const measured = all.filter((p) => MEASUREMENTS.every((c) => typeof p[c] === 'number'));
const random = mulberry32(2024);
const train = [];
const test = [];
for (const species of [...new Set(measured.map((p) => p.Species))].sort()) {
    const rows = measured.filter((p) => p.Species === species);
    // Fisher-Yates with the seeded PRNG, then the first TEST_SHARE of the species is held out.
    for (let i = rows.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [rows[i], rows[j]] = [rows[j], rows[i]];
    }
    const held = Math.round(rows.length * TEST_SHARE);
    test.push(...rows.slice(0, held));
    train.push(...rows.slice(held));
}
// In the source's order, so a diff of the files reads like the source.
const order = new Map(measured.map((p, i) => [p, i]));
const byOrder = (a, b) => order.get(a) - order.get(b);
mkdirSync(join(here, 'data'), { recursive: true });
writeFileSync(join(here, 'data/penguins.csv'), csv(measured));
writeFileSync(join(here, 'data/train.csv'), csv(train.sort(byOrder)));
writeFileSync(join(here, 'data/test.csv'), csv(test.sort(byOrder)));
const count = (rows, s) => rows.filter((p) => p.Species === s).length;
console.log(`wrote data/penguins.csv (${measured.length} rows), data/train.csv (${train.length}) and data/test.csv (${test.length}); ` +
    `Chinstrap: ${count(measured, 'Chinstrap')} of ${measured.length}, ${count(train, 'Chinstrap')} in train, ${count(test, 'Chinstrap')} in test`);
