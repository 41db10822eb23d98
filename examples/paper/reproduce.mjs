#!/usr/bin/env node
// `npm run paper`: runs the paper's experiments (paper.inv) with the built `inv`, writes the
// results to out/paper-results.json, and compares the answers on the TRUE function with the
// figures the paper reports. Exits with inv's exit status.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { report } from '../true-function.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = join(root, 'out/cli.cjs');
const results = join(root, 'out/paper-results.json');
if (!existsSync(cli)) {
    console.error('out/cli.cjs is missing: run `npm run build` first (`npm run paper` does)');
    process.exit(2);
}
const run = spawnSync(process.execPath, [cli, 'run', 'examples/paper/paper.inv', '--out', 'out/paper-results.json', ...process.argv.slice(2)], {
    cwd: root,
    stdio: 'inherit',
});
if (existsSync(results)) {
    console.log('\n' + report(JSON.parse(readFileSync(results, 'utf8'))));
    console.log('\nAll results: out/paper-results.json (a JSON array, one results object per run).');
}
process.exit(run.status ?? 1);
