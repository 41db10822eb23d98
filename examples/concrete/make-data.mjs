#!/usr/bin/env node
// Writes the concrete example's data, deterministically: data/concrete-train.csv (6,000
// mixes) and data/concrete-test.csv (1,000), from the true function in true-concrete.mjs.
// Each mix: a cement type (one of three), cement, water and slag shares drawn uniformly
// inside their ranges and the aggregate making up the rest to 100 %, a whole-number age in
// days (log-uniform over 1-90, as test ages are), its compressive strength with a
// measurement noise of 0.3 MPa (standard deviation), and its cost.
//
// Usage: node examples/concrete/make-data.mjs   (rewrites both files; same bytes every time)
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../seeded-random.mjs';
import { CEMENTS, cost, RANGES, strength } from './true-concrete.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const NOISE = 0.3;

function table(rows, seed) {
    const random = mulberry32(seed);
    const uniform = ([lo, hi]) => lo + (hi - lo) * random();
    const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const lines = ['cement,cement_pct,water_pct,slag_pct,aggregate_pct,age,strength,cost'];
    for (let i = 0; i < rows; i++) {
        const cement = CEMENTS[Math.floor(3 * random())];
        // Rounded first, so the aggregate makes exactly 100 with the shares written.
        const cement_pct = Number(uniform(RANGES.cement_pct).toFixed(3));
        const water_pct = Number(uniform(RANGES.water_pct).toFixed(3));
        const slag_pct = Number(uniform(RANGES.slag_pct).toFixed(3));
        const aggregate_pct = Number((100 - cement_pct - water_pct - slag_pct).toFixed(3));
        const age = Math.min(90, Math.max(1, Math.round(Math.exp(uniform([0, Math.log(90)])))));
        const mix = { cement, cement_pct, water_pct, slag_pct, aggregate_pct, age };
        lines.push([cement, cement_pct, water_pct, slag_pct, aggregate_pct, age, (strength(mix) + NOISE * normal()).toFixed(4), cost(mix).toFixed(4)].join(','));
    }
    return lines.join('\n') + '\n';
}

mkdirSync(join(here, 'data'), { recursive: true });
writeFileSync(join(here, 'data/concrete-train.csv'), table(6_000, 20_261_201));
writeFileSync(join(here, 'data/concrete-test.csv'), table(1_000, 20_261_202));
console.log('wrote examples/concrete/data/concrete-train.csv (6000 mixes) and concrete-test.csv (1000 mixes)');
