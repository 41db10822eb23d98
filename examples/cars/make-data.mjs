#!/usr/bin/env node
// Writes data/cars.csv from the `vega-datasets` package's cars.json (406 cars of 1970-1982,
// the classic "Auto MPG" data). Cells the source lacks (a few Miles_per_Gallon and
// Horsepower values) stay empty: cars.inv reads the file with `skip missing`, which skips
// those rows and says how many. `Year` becomes the model year as a number (1970, ...).
//
// Usage: node examples/cars/make-data.mjs   (needs the dev dependency vega-datasets)
import Papa from 'papaparse';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// The package exports no file paths; it lives in the project's node_modules.
const source = join(here, '../../node_modules/vega-datasets/data/cars.json');
const cars = JSON.parse(readFileSync(source, 'utf8'));

const columns = ['Name', 'Miles_per_Gallon', 'Cylinders', 'Displacement', 'Horsepower', 'Weight_in_lbs', 'Acceleration', 'Year', 'Origin'];
const rows = cars.map((car) => columns.map((c) => {
    const v = c === 'Year' ? Number(String(car.Year).slice(0, 4)) : car[c];
    return v === null || v === undefined ? '' : v;
}));
writeFileSync(join(here, 'data/cars.csv'), Papa.unparse({ fields: columns, data: rows }, { newline: '\n' }) + '\n');
const missing = rows.filter((r) => r.some((v) => v === '')).length;
console.log(`wrote examples/cars/data/cars.csv: ${rows.length} cars, ${missing} with an empty cell`);
