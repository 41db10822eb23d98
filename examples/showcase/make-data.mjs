#!/usr/bin/env node
// Writes the showcase's two data sets, deterministically:
// - data/beam.csv: 2,000 steel cantilever beams (rectangular section, 1 kN at the tip),
//   width, height and length uniform over their ranges; deflection (mm) and mass (kg)
//   from the textbook formulas, deflection = P L^3 / (3 E I) with I = b h^3 / 12.
// - data/penguins.csv: the 344 Palmer penguins from the vega-datasets package (the rows
//   with unknown measurements keep their empty cells: showcase.inv skips them). Needs the
//   dev dependency vega-datasets.
//
// Usage: node examples/showcase/make-data.mjs   (same bytes every time)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../seeded-random.mjs';

const here = dirname(fileURLToPath(import.meta.url));
mkdirSync(join(here, 'data'), { recursive: true });

const P = 1000;          // N at the tip
const E = 200_000;       // N/mm², steel
const RHO = 7.85e-6;     // kg/mm³, steel
const random = mulberry32(42);
const between = (lo, hi) => lo + (hi - lo) * random();
const round = (v, digits) => Number(v.toPrecision(digits));
const beams = ['width,height,length,deflection,mass'];
for (let i = 0; i < 2000; i++) {
    const b = between(20, 60);      // mm
    const h = between(40, 120);     // mm
    const L = between(500, 1500);   // mm
    const I = (b * h ** 3) / 12;
    const deflection = (P * L ** 3) / (3 * E * I);
    const mass = RHO * b * h * L;
    beams.push([round(b, 6), round(h, 6), round(L, 6), round(deflection, 6), round(mass, 6)].join(','));
}
writeFileSync(join(here, 'data/beam.csv'), beams.join('\n') + '\n');

const penguins = JSON.parse(readFileSync(join(here, '../../node_modules/vega-datasets/data/penguins.json'), 'utf8'));
const columns = ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)', 'Species'];
const quote = (name) => (/[",\s()]/.test(name) ? `"${name.replace(/"/g, '""')}"` : name);
const rows = [columns.map(quote).join(',')];
for (const p of penguins) rows.push(columns.map((c) => (p[c] === null || p[c] === undefined ? '' : String(p[c]))).join(','));
writeFileSync(join(here, 'data/penguins.csv'), rows.join('\n') + '\n');
console.log(`wrote data/beam.csv (${beams.length - 1} rows) and data/penguins.csv (${rows.length - 1} rows)`);
