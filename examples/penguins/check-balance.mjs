#!/usr/bin/env node
// Is a classifier trained with synthetic Chinstraps worse on real penguins it never saw than
// one trained without them?
//
//   node examples/penguins/check-balance.mjs [--folds 5] [--seeds 3] [--count 20] [--steps 3000]
//                                            [--split-seed 7] [--synthesis-seed 1] [--label Chinstrap]
//
// Cross-validated, so that every one of the 342 penguins is held out once (on a single split
// of ~100 penguins one penguin moves the accuracy by a whole percent). The penguins are split
// into --folds parts, stratified by species (seeded). For each part, with the built `inv`
// (out/cli.cjs), in a temporary folder:
//   1. `inv train` fits penguins.inv's oracle on the other parts only;
//   2. `inv run` writes --count synthetic Chinstraps with penguins.inv's recipe
//      (MoreChinstrap: Chinstrap probability >= 0.99, within the ranges of those parts'
//      Chinstraps);
//   3. `inv train` fits the same classifier (layers 16, 200 epochs, batch 32) with --seeds
//      seeds on those parts alone ("without"), with the synthetic rows labelled --label
//      ("synthetic"), and, for reference, with as many copies of real Chinstraps drawn from
//      those parts ("copies");
//   4. every classifier is judged on the held-out part.
// Reported over all held-out penguins and seeds: accuracy, balanced accuracy (the mean of
// the per-species recalls, which counts the rare class as much as the others), Chinstrap
// recall and log-loss. "Worse" is decided per penguin, since the classifiers differ on only
// a handful: a penguin the "synthetic" classifiers get right more often (over the seeds) than
// the "without" ones counts for them, one they get right less often against them, and the
// synthetic rows make it worse when the penguins against them are significantly more than
// those for them (one-sided sign test, 5 %). Exits 1 when worse, 2 when something cannot be
// run or read. (`--label Adelie` labels the synthetic Chinstraps wrongly: the check must
// then say worse.)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../seeded-random.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '../../out/cli.cjs');
const MEASUREMENTS = ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)'];
const SPECIES = ['Adelie', 'Chinstrap', 'Gentoo'];
const RARE = 'Chinstrap';
const SIGNIFICANCE = 0.05;

function option(name, fallback) {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

function fail(message) {
    console.error(message);
    process.exit(2);
}

function inv(args, cwd) {
    const run = spawnSync(process.execPath, [cli, ...args, '--quiet'], { cwd, encoding: 'utf8' });
    if (run.status !== 0) fail(`inv ${args.join(' ')} failed (exit ${run.status}):\n${run.stderr}${run.stdout}`);
}

/** A CSV as its header and rows of text cells (these files have no commas inside cells). */
function readCsv(path) {
    const [header, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
    return { names: header.split(',').map((n) => n.replace(/^"|"$/g, '')), rows: lines.map((l) => l.split(',')) };
}

/** Fold of each row: per species, a seeded shuffle dealt round the folds. */
function stratifiedFolds(species, folds, random) {
    const fold = new Array(species.length);
    for (const s of SPECIES) {
        const rows = species.map((x, i) => (x === s ? i : -1)).filter((i) => i >= 0);
        for (let i = rows.length - 1; i > 0; i--) {
            const j = Math.floor(random() * (i + 1));
            [rows[i], rows[j]] = [rows[j], rows[i]];
        }
        rows.forEach((r, k) => (fold[r] = k % folds));
    }
    return fold;
}

const quoted = (m) => `\`${m}\``;
const oracleBlock = (oracle, data, seed) => `oracle ${oracle} {
  model "models/${oracle}/model.json"
  data "${data}"
  classify Species
  inputs ${MEASUREMENTS.map(quoted).join(', ')}
  outputs ${SPECIES.join(', ')}
  layers 16
  epochs 200
  batch 32
  seed ${seed}
}
`;

/** penguins.inv's MoreChinstrap, with the ranges of this part's Chinstraps. */
function synthesisBlock(train, output, settings) {
    const rare = train.filter((p) => p.species === RARE);
    const bounds = MEASUREMENTS.map((m, j) => `  bound ${quoted(m)} in [${Math.min(...rare.map((p) => p.x[j]))}, ${Math.max(...rare.map((p) => p.x[j]))}]`);
    return `synthesize MoreChinstrap {
  oracle Species
  target Chinstrap >= 0.99
${bounds.join('\n')}
  count ${settings.count}
  output "${output}"
  steps ${settings.steps}
  seed ${settings.seed}
}
`;
}

/** A model inv trained, as plain arrays: its dense layers and its input standardisation. */
function loadModel(modelJson) {
    const json = JSON.parse(readFileSync(modelJson, 'utf8'));
    const bytes = readFileSync(join(dirname(modelJson), json.weightsManifest[0].paths[0]));
    const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    let offset = 0;
    const take = (size) => floats.subarray(offset, (offset += size));
    // Each layer's kernel is [inputs x units], its inputs the previous layer's units.
    let width = json.userDefinedMetadata.inv.inputs.length;
    const layers = json.modelTopology.config.layers.map((l) => {
        const units = l.config.units;
        const layer = { inputs: width, units, kernel: take(width * units), bias: take(units), activation: l.config.activation };
        width = units;
        return layer;
    });
    return { layers, stats: json.userDefinedMetadata.inv.inputs };
}

function predict(model, x) {
    let h = x.map((v, i) => (v - model.stats[i].mean) / model.stats[i].std);
    for (const l of model.layers) {
        const out = Array.from({ length: l.units }, (_, j) => {
            let s = l.bias[j];
            for (let i = 0; i < l.inputs; i++) s += h[i] * l.kernel[i * l.units + j];
            return s;
        });
        if (l.activation === 'relu') h = out.map((v) => Math.max(0, v));
        else if (l.activation === 'softmax') {
            const top = Math.max(...out);
            const e = out.map((v) => Math.exp(v - top));
            const sum = e.reduce((a, b) => a + b, 0);
            h = e.map((v) => v / sum);
        } else h = out;
    }
    return h;
}

/** Per variant: per held-out penguin how often (over the seeds) it was classified right, and the log-loss. */
function newTally(n) {
    return { right: new Array(n).fill(0), logLoss: 0, predictions: 0 };
}

function judge(model, test, tally) {
    for (const p of test) {
        const q = predict(model, p.x);
        const actual = SPECIES.indexOf(p.species);
        if (q.indexOf(Math.max(...q)) === actual) tally.right[p.index]++;
        tally.logLoss -= Math.log(Math.max(q[actual], 1e-7));
        tally.predictions++;
    }
}

function figures(tally, penguins, seeds) {
    const recall = SPECIES.map((s) => {
        const of = penguins.filter((p) => p.species === s);
        return of.reduce((sum, p) => sum + tally.right[p.index], 0) / (of.length * seeds);
    });
    const right = tally.right.reduce((a, b) => a + b, 0);
    return {
        accuracy: right / tally.predictions,
        balanced: recall.reduce((a, b) => a + b, 0) / recall.length,
        rare: recall[SPECIES.indexOf(RARE)],
        logLoss: tally.logLoss / tally.predictions,
        errors: tally.predictions - right,
        predictions: tally.predictions,
    };
}

/** P(X >= k) for X ~ Binomial(n, 1/2). */
function upperTail(n, k) {
    let p = 0;
    let c = 1; // C(n, 0)
    for (let i = 0; i <= n; i++) {
        if (i >= k) p += c;
        c = (c * (n - i)) / (i + 1);
    }
    return p / 2 ** n;
}

if (!existsSync(cli)) fail('out/cli.cjs is missing: run `npm run build` first');
const folds = Number(option('folds', '5'));
const seeds = Number(option('seeds', '3'));
const settings = { count: Number(option('count', '20')), steps: Number(option('steps', '3000')), seed: Number(option('synthesis-seed', '1')) };
const label = option('label', RARE);
if (!SPECIES.includes(label)) fail(`--label must be one of ${SPECIES.join(', ')}`);
const random = mulberry32(Number(option('split-seed', '7')));
const data = readCsv(join(here, 'data/penguins.csv'));
const column = (m) => data.names.indexOf(m);
const penguins = data.rows.map((r, index) => ({ index, x: MEASUREMENTS.map((m) => Number(r[column(m)])), species: r[column('Species')], cells: r }));
const fold = stratifiedFolds(penguins.map((p) => p.species), folds, random);
const csv = (rows) => [data.names.map((n) => `"${n}"`).join(','), ...rows].join('\n') + '\n';
const VARIANTS = ['without', 'synthetic', 'copies'];
const tallies = Object.fromEntries(VARIANTS.map((v) => [v, newTally(penguins.length)]));

const work = mkdtempSync(join(tmpdir(), 'inv-penguins-'));
try {
    console.log(`${penguins.length} penguins in ${folds} folds; per fold ${settings.count} synthetic Chinstraps${label === RARE ? '' : ` labelled ${label}`}, classifiers with ${seeds} seeds`);
    for (let k = 0; k < folds; k++) {
        const train = penguins.filter((p) => fold[p.index] !== k);
        const test = penguins.filter((p) => fold[p.index] === k);
        const trainRows = train.map((p) => p.cells.join(','));
        writeFileSync(join(work, `without${k}.csv`), csv(trainRows));
        // 1-2: the oracle on the other parts, and the synthetic rows it gives.
        const oracle = oracleBlock('Species', `without${k}.csv`, 0).replace('models/Species', `models/oracle${k}`);
        writeFileSync(join(work, `fold${k}.inv`), `${oracle}\n${synthesisBlock(train, `synthetic${k}.csv`, settings)}`);
        inv(['train', `fold${k}.inv`], work);
        inv(['run', `fold${k}.inv`], work);
        const synthetic = readCsv(join(work, `synthetic${k}.csv`));
        const added = synthetic.rows.map((r) => [...MEASUREMENTS.map((m) => r[synthetic.names.indexOf(m)]), label].join(','));
        writeFileSync(join(work, `synthetic${k}-train.csv`), csv([...trainRows, ...added]));
        const rare = train.filter((p) => p.species === RARE);
        const copies = Array.from({ length: settings.count }, () => rare[Math.floor(random() * rare.length)].cells.join(','));
        writeFileSync(join(work, `copies${k}.csv`), csv([...trainRows, ...copies]));
        // 3: the classifiers.
        let blocks = '';
        for (let s = 1; s <= seeds; s++) {
            blocks += oracleBlock(`without${k}_${s}`, `without${k}.csv`, s);
            blocks += oracleBlock(`synthetic${k}_${s}`, `synthetic${k}-train.csv`, s);
            blocks += oracleBlock(`copies${k}_${s}`, `copies${k}.csv`, s);
        }
        writeFileSync(join(work, `compare${k}.inv`), blocks);
        inv(['train', `compare${k}.inv`], work);
        // 4: judged on the held-out part.
        for (let s = 1; s <= seeds; s++) for (const v of VARIANTS) judge(loadModel(join(work, `models/${v}${k}_${s}/model.json`)), test, tallies[v]);
        console.log(`  fold ${k + 1}: trained on ${train.length} (${rare.length} Chinstrap), held out ${test.length} (${test.filter((p) => p.species === RARE).length} Chinstrap)`);
    }
    const f = Object.fromEntries(VARIANTS.map((v) => [v, figures(tallies[v], penguins, seeds)]));
    const pct = (v) => `${(100 * v).toFixed(2)} %`;
    const table = [
        ['', 'without', `+ ${settings.count} synthetic`, `+ ${settings.count} copies of real`],
        ['accuracy', ...VARIANTS.map((v) => pct(f[v].accuracy))],
        ['balanced accuracy', ...VARIANTS.map((v) => pct(f[v].balanced))],
        ['Chinstrap recall', ...VARIANTS.map((v) => pct(f[v].rare))],
        ['log-loss', ...VARIANTS.map((v) => f[v].logLoss.toFixed(4))],
        ['errors', ...VARIANTS.map((v) => `${f[v].errors} of ${f[v].predictions}`)],
    ];
    const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
    console.log(`\nheld-out penguins x ${seeds} seeds:`);
    for (const r of table) console.log('  ' + r.map((c, i) => c.padEnd(widths[i])).join('   ').trimEnd());
    const forSynthetic = penguins.filter((p) => tallies.synthetic.right[p.index] > tallies.without.right[p.index]).length;
    const against = penguins.filter((p) => tallies.synthetic.right[p.index] < tallies.without.right[p.index]).length;
    const p = upperTail(forSynthetic + against, against);
    console.log(`\npenguins classified right more often with the synthetic rows: ${forSynthetic}; less often: ${against}; one-sided sign test p = ${p.toFixed(3)}`);
    const worse = p < SIGNIFICANCE;
    console.log(`with the synthetic rows: ${worse ? 'WORSE' : 'not worse'} (${worse ? 'significantly more penguins against than for them' : `not significantly worse at ${100 * SIGNIFICANCE} %`})`);
    process.exitCode = worse ? 1 : 0;
} finally {
    rmSync(work, { recursive: true, force: true });
}
