#!/usr/bin/env node
// How long `inv check` takes on a file with 2,000 inversions (the language's "finishes in
// seconds" promise). Writes the file to a temporary folder beside a copy of a small trained
// model (so the model.json checks run too), runs the built CLI (`npm run build` first) a few
// times and prints the seconds of each run and the median.
//
// Usage: node bench/check-bench.mjs [INVERSIONS=2000] [RUNS=3]
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const count = Number(process.argv[2] ?? 2000);
const runs = Number(process.argv[3] ?? 3);
const cli = fileURLToPath(new URL('../out/cli.cjs', import.meta.url));
const model = fileURLToPath(new URL('../test/language/fixtures/models/poly', import.meta.url));
if (!existsSync(cli)) {
    console.error(`${cli} is missing: run \`npm run build\` first`);
    process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'inv-check-bench-'));
cpSync(model, join(dir, 'models/poly'), { recursive: true });
const blocks = [
    'oracle Poly {\n  model "models/poly/model.json"\n  inputs x1, x2, x3, x4\n  outputs y\n}\n',
    'constraint paper {\n  when x >= 10: x / 10\n  when x <= 1: x * 50\n}\n',
];
for (let i = 0; i < count; i++) {
    blocks.push(`inversion Run${i} {
  oracle Poly
  target y = ${100 + (i % 1800)} tolerance 0.5
  fix x4 = ${i % 500}
  bound x1, x2 in [0, ${50 + (i % 400)}] using paper
  bound x3 in [0, 500]
  stop outside bounds
  method generator { latent 8 layers 64, 64 }
  solutions 256
  steps 3000
  seed ${i}
}
`);
}
const file = join(dir, 'many.inv');
writeFileSync(file, blocks.join('\n'));

const seconds = [];
for (let r = 0; r < runs; r++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [cli, 'check', file], { encoding: 'utf8' });
    const s = Number(process.hrtime.bigint() - start) / 1e9;
    if (result.status !== 0) {
        console.error(`inv check exited ${result.status}:\n${result.stdout}${result.stderr}`);
        process.exit(1);
    }
    seconds.push(s);
    console.log(`run ${r + 1}: ${s.toFixed(2)} s`);
}
rmSync(dir, { recursive: true, force: true });
const median = [...seconds].sort((a, b) => a - b)[Math.floor(seconds.length / 2)];
console.log(`inv check, ${count} inversions (${(blocks.join('\n').length / 1e6).toFixed(2)} MB): median ${median.toFixed(2)} s`);
