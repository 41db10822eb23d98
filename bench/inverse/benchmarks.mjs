/**
 * The benchmark runs (which .inv file, which inversions, which features the coverage grid
 * spans) and how one result is measured on the TRUE function (measures.mjs).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cellOf, levelSetCells, rK, spreadOf, trueMiss, trueMse, TRULY_WITHIN } from './measures.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/** Published neural-adjoint figures (Ren et al. 2020, read off their Fig. 3). */
export const PUBLISHED_NA = { sine: { r1: 1e-3, r50: 2e-6 }, arm: { r1: 2.3e-4, r50: 2.6e-6 }, ballistics: null };
/** This goals for the generator with default settings. */
export const GOALS = {
    sine: { coverage: 0.9, r50: 2e-6, r1: 1e-4 },
    arm: { r1: 2.3e-4, r50: 2.6e-6, meanMse: 1e-3, angleSpread: 0.3 },
};

export const BENCHMARKS = [
    { name: 'sine', file: 'sine.inv', problem: 'sine', axes: ['x1', 'x2'],
      runs: [['SineGenerator', 'generator'], ['SineAdjoint', 'adjoint']] },
    { name: 'arm', file: 'arm.inv', problem: 'arm', axes: ['x2', 'x3'], angles: ['x2', 'x3', 'x4'],
      runs: [['ArmGenerator', 'generator'], ['ArmAdjoint', 'adjoint']] },
    { name: 'arm, x1 fixed', file: 'arm.inv', problem: 'arm', goals: 'arm', axes: ['x2', 'x3'], angles: ['x2', 'x3', 'x4'],
      runs: [['ArmFixedGenerator', 'generator'], ['ArmFixedAdjoint', 'adjoint']] },
    { name: 'ballistics', file: 'ballistics.inv', problem: 'ballistics', axes: ['x3', 'x4'],
      runs: [['BallisticsGenerator', 'generator'], ['BallisticsAdjoint', 'adjoint']] },
];

export function benchFile(bench) {
    return join(here, bench.file);
}

/** The model path a benchmark file declares, absolute. */
export function modelOf(file) {
    return join(dirname(file), /model\s+"([^"]+)"/.exec(readFileSync(file, 'utf8'))[1]);
}

export function measure(bench, problem, result) {
    const targets = result.targets.map((t) => t.value);
    const inputs = problem.inputs;
    const free = result.summary.importance.map((i) => i.feature);
    const rows = result.solutions.map((s) => inputs.map((n) => s.inputs[n]));
    const mse = rows.map((x) => trueMse(problem, targets, x));
    const misses = rows.map((x) => trueMiss(problem, targets, x));
    const box = boxOf(bench, result, free);
    const fixed = inputs.map((n) => (free.includes(n) ? null : result.solutions[0].inputs[n]));
    const axes = bench.axes.map((a) => inputs.indexOf(a));
    const crossed = levelSetCells(problem, targets, box, axes, fixed);
    const held = new Set(rows.filter((x, i) => misses[i] <= TRULY_WITHIN).map((x) => cellOf(x, box, axes)));
    const covered = [...crossed].filter((c) => held.has(c)).length;
    const spreads = spreadOf(rows, free.map((f) => inputs.indexOf(f)));
    const hasSupport = result.solutions.some((s) => s.support !== undefined);
    return {
        seconds: result.seconds,
        stepsRun: result.stepsRun,
        stoppedBecause: result.stoppedBecause,
        solutions: rows.length,
        meetingOnOracle: result.summary.meeting,
        r1: rK(mse, 1),
        r50: rK(mse, 50),
        meanTrueMse: mse.reduce((a, b) => a + b, 0) / mse.length,
        medianTrueMse: [...mse].sort((a, b) => a - b)[Math.floor(mse.length / 2)],
        trulyWithin: misses.filter((m) => m <= TRULY_WITHIN).length,
        spread: Object.fromEntries(free.map((f, j) => [f, spreads[j]])),
        angleSpread: bench.angles ? Math.min(...bench.angles.map((a) => spreads[free.indexOf(a)])) : null,
        coverage: crossed.size ? covered / crossed.size : null,
        cellsCrossed: crossed.size,
        cellsCovered: covered,
        supported: hasSupport ? result.summary.supported ?? null : null,
        unsupportedMeanTrueMse: hasSupport ? meanOf(mse.filter((_, i) => !isSupported(result, i))) : null,
        modes: result.summary.modes ? result.summary.modes.length : null,
        coverageReported: result.summary.coverage ?? null,
        note: result.summary.note,
    };
}

function isSupported(result, i) {
    return result.solutions[i].support >= (result.summary.supportThreshold ?? 0);
}

function meanOf(v) {
    return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
}

/** The free features' box: the oracle's declared domain, else the one its model records. */
function boxOf(bench, result, free) {
    const file = benchFile(bench);
    const text = readFileSync(file, 'utf8');
    const model = JSON.parse(readFileSync(modelOf(file), 'utf8'));
    const recorded = model.userDefinedMetadata.inv.inputs;
    const declared = Object.fromEntries([...text.matchAll(/(\w+) in \[(-?[\d.]+), (-?[\d.]+)\]/g)].map((m) => [m[1], { lo: Number(m[2]), hi: Number(m[3]) }]));
    return result.oracle.inputs.map((name, i) => (free.includes(name) ? declared[name] ?? { lo: recorded[i].min, hi: recorded[i].max } : null));
}

export function goalCheck(bench, m) {
    const g = GOALS[bench.goals ?? bench.problem];
    if (!g) return null;
    const checks = {};
    if (g.coverage !== undefined) checks.coverage = m.coverage >= g.coverage;
    if (g.r1 !== undefined) checks.r1 = m.r1 <= g.r1;
    if (g.r50 !== undefined) checks.r50 = m.r50 <= g.r50;
    if (g.meanMse !== undefined) checks.meanTrueMse = m.meanTrueMse <= g.meanMse;
    if (g.angleSpread !== undefined) checks.angleSpread = m.angleSpread >= g.angleSpread;
    return checks;
}
