#!/usr/bin/env node
// The paper's true function, and a check of a results file against it.
//
//   node examples/true-function.mjs results.json
//
// The oracle only approximates y = 9 x1^0.87 + 8.97 x2^0.02 + 0.876 x3^0.12 + 2.9876 x4^0.987
// (see examples/paper/make-data.mjs for why the second term reads x2). For every run in the
// results file (`inv run ... --out results.json`) whose oracle has inputs x1..x4, this
// evaluates the TRUE function at the best solution and at every solution, and sets the
// figures beside the ones the paper reports.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The paper's function; x = [x1, x2, x3, x4]. */
export function poly4(x) {
    return 9 * x[0] ** 0.87 + 8.97 * x[1] ** 0.02 + 0.876 * x[2] ** 0.12 + 2.9876 * x[3] ** 0.987;
}

/**
 * What the paper reports (its Table of results): for Exp1 and Exp2 the absolute miss of the
 * true function at its solution, |f(x) - 1900|; for Exp3 the true value reached, 525.55, which
 * is 66.7 % of the most the box allows, f(100, 100, 100, 100) = 787.34.
 */
export const PAPER = {
    Exp1: { miss: 35.37 },
    Exp2: { miss: 140.88 },
    Exp3: { reached: 525.55, boxMax: 787.34, share: 66.7 },
};

const FEATURES = ['x1', 'x2', 'x3', 'x4'];

/** Figures of one run, in the true function's terms; null when the run is not on Poly4's inputs. */
export function compareRun(result) {
    if (!FEATURES.every((f) => result.oracle.inputs.includes(f))) return null;
    const target = result.targets.find((t) => t.kind === 'equal');
    const truth = (s) => poly4(FEATURES.map((f) => s.inputs[f]));
    const best = result.solutions[result.summary.best];
    if (!best) return null;
    const trueValues = result.solutions.map(truth);
    const misses = target ? trueValues.map((v) => Math.abs(v - target.value)) : [];
    const sorted = [...misses].sort((a, b) => a - b);
    return {
        name: result.name,
        target: target ? target.value : null,
        best: best.inputs,
        oracleValue: best.outputs.y,
        trueValue: truth(best),
        trueMiss: target ? Math.abs(truth(best) - target.value) : null,
        medianTrueMiss: sorted.length ? sorted[Math.floor(sorted.length / 2)] : null,
        meeting: result.summary.meeting,
        solutions: result.solutions.length,
        stoppedBecause: result.stoppedBecause,
        stepsRun: result.stepsRun,
        seconds: result.seconds,
        backend: result.backend,
    };
}

/** The paper's figure for a run name: Exp1, Exp2, Exp3 (and any name that starts so, e.g. Exp3Paper). */
function paperFigure(name) {
    const key = Object.keys(PAPER).find((k) => name.startsWith(k));
    return key ? { key, ...PAPER[key] } : null;
}

function fmt(v, digits = 2) {
    return v === null || v === undefined ? '-' : Number(v).toFixed(digits);
}

function align(rows) {
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
    return rows.map((r) => r.map((c, i) => String(c).padEnd(widths[i])).join('   ').trimEnd()).join('\n');
}

/** A person-readable comparison: one summary table against the paper, then each run's best answer. */
export function report(results) {
    const boxMax = poly4([100, 100, 100, 100]);
    const compared = results.map((r) => ({ r, c: compareRun(r) })).filter((x) => x.c !== null);
    const table = [['run', 'judged on the TRUE function', 'inv', 'paper']];
    const details = [];
    for (const { r, c } of compared) {
        const paper = paperFigure(c.name);
        const inBox = r.solutions[r.summary.best]?.inBounds;
        if (paper && 'reached' in paper) {
            const what = `f(best) inside the box (max ${fmt(boxMax)})${inBox === false ? ' [best is OUTSIDE the box]' : ''}`;
            table.push([c.name, what, `${fmt(c.trueValue)} (${fmt((100 * c.trueValue) / boxMax, 1)} %)`, `${paper.reached} (${paper.share} %)`]);
        } else if (c.trueMiss !== null) {
            table.push([c.name, `|f(best) - ${c.target}|  (median over all ${c.solutions}: ${fmt(c.medianTrueMiss)})`, fmt(c.trueMiss), paper ? String(paper.miss) : '-']);
        }
        details.push(
            `${c.name}: best x1=${fmt(c.best.x1)} x2=${fmt(c.best.x2)} x3=${fmt(c.best.x3)} x4=${fmt(c.best.x4)}; ` +
                `oracle y=${fmt(c.oracleValue)}, true f=${fmt(c.trueValue)}; ${c.meeting}/${c.solutions} meet on the oracle; ` +
                `${c.stoppedBecause} after ${c.stepsRun} steps, ${fmt(c.seconds, 1)} s on ${c.backend}`,
        );
    }
    if (compared.length === 0) return 'no run on the paper oracle (inputs x1..x4) in this results file';
    return [
        "The paper's experiments: each run's best answer, judged by the true function",
        'y = 9 x1^0.87 + 8.97 x2^0.02 + 0.876 x3^0.12 + 2.9876 x4^0.987 (not by the oracle that was inverted).',
        '',
        align(table),
        '',
        ...details,
    ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
    const file = process.argv[2];
    if (!file) {
        console.error('usage: node examples/true-function.mjs RESULTS.json   (written by `inv run FILE --out RESULTS.json`)');
        process.exit(2);
    }
    let results;
    try {
        results = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
        console.error(`${file}: cannot read a results file (${e.message}); write one with \`inv run FILE --out ${file}\``);
        process.exit(1);
    }
    console.log(report(Array.isArray(results) ? results : [results]));
}
