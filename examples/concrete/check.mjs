#!/usr/bin/env node
// Judges the answers of concrete.inv on the TRUE function (true-concrete.mjs), not on the
// oracle:
//
//   node out/cli.cjs run examples/concrete/concrete.inv --out out/concrete.json
//   node examples/concrete/check.mjs out/concrete.json
//
// For every run: how many answers break a rule (a whole-number age, a declared label, a
// bound, a `require` relation to 1e-9 relative), checked here from the answers themselves;
// for `=` and `>=` targets the share of answers whose TRUE strength meets the target within
// its tolerance; for `minimize cost` the gap between the best answer's true cost and the
// true optimum (a dense search of the true function under the same relations), and whether
// that answer truly reaches its strength.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CEMENTS, cost, RANGES, strength } from './true-concrete.mjs';

const SHARES = ['cement_pct', 'water_pct', 'slag_pct', 'aggregate_pct'];

/** The rules a written answer keeps; returns the ones it breaks (an empty list when none). */
export function broken(s, run) {
    const x = s.inputs;
    const out = [];
    if (!CEMENTS.includes(x.cement)) out.push(`cement ${x.cement} is not a declared label`);
    if (!Number.isInteger(x.age)) out.push(`age ${x.age} is not whole`);
    for (const [name, [lo, hi]] of Object.entries(RANGES)) if (!(x[name] >= lo && x[name] <= hi)) out.push(`${name} ${x[name]} outside [${lo}, ${hi}]`);
    const sum = SHARES.reduce((t, n) => t + x[n], 0);
    if (Math.abs(sum - 100) > 1e-9 * 100) out.push(`shares add up to ${sum}`);
    if (run === 'Strength40') {
        if (x.slag_pct > 0.5 * x.cement_pct * (1 + 1e-9)) out.push('slag above half the cement');
        if (x.cement !== 'CEM_II') out.push('cement is not the fixed CEM_II');
        if (x.age < 7 || x.age > 28) out.push('age outside [7, 28]');
    }
    return out;
}

/** The true minimum cost of a mix that truly reaches `target` MPa at `age` days (any cement), by a dense search. */
export function trueCheapest(target, age) {
    let best = { cost: Infinity, mix: null };
    const [c0, c1] = RANGES.cement_pct, [w0, w1] = RANGES.water_pct, [s0, s1] = RANGES.slag_pct, [a0, a1] = RANGES.aggregate_pct;
    const step = 0.05;
    for (const cement of CEMENTS) {
        for (let c = c0; c <= c1 + 1e-9; c += step) {
            for (let w = w0; w <= w1 + 1e-9; w += step) {
                for (let s = s0; s <= s1 + 1e-9; s += step * 4) {
                    const a = 100 - c - w - s;
                    if (a < a0 || a > a1) continue;
                    const mix = { cement, cement_pct: c, water_pct: w, slag_pct: s, aggregate_pct: a, age };
                    if (strength(mix) < target) continue;
                    const k = cost(mix);
                    if (k < best.cost) best = { cost: k, mix };
                }
            }
        }
    }
    // Then finer around the best: the optimum lies on the boundary strength = target.
    const m = best.mix;
    if (m) {
        for (let c = m.cement_pct - 0.1; c <= m.cement_pct + 0.1; c += 0.001) {
            for (let w = m.water_pct - 0.1; w <= m.water_pct + 0.1; w += 0.01) {
                for (let s = m.slag_pct - 0.3; s <= m.slag_pct + 0.3; s += 0.01) {
                    const a = 100 - c - w - s;
                    if (c < c0 || c > c1 || w < w0 || w > w1 || s < s0 || s > s1 || a < a0 || a > a1) continue;
                    const mix = { cement: m.cement, cement_pct: c, water_pct: w, slag_pct: s, aggregate_pct: a, age };
                    if (strength(mix) < target) continue;
                    const k = cost(mix);
                    if (k < best.cost) best = { cost: k, mix };
                }
            }
        }
    }
    return best;
}

function main(path) {
    const results = JSON.parse(readFileSync(path, 'utf8'));
    const lines = [];
    for (const r of results) {
        const n = r.solutions.length;
        const violations = r.solutions.filter((s) => broken(s, r.name).length > 0).length;
        const line = { run: r.name, answers: n, 'summary.violations': r.summary.violations, 'violations (checked here)': violations };
        const equal = r.targets.find((t) => t.output === 'strength' && (t.kind === 'equal' || t.kind === 'atLeast'));
        if (equal) {
            const meets = r.solutions.filter((s) => {
                const y = strength(s.inputs);
                return equal.kind === 'equal' ? Math.abs(y - equal.value) <= equal.tolerance : y >= equal.value - equal.tolerance;
            }).length;
            line[`truly ${equal.kind === 'equal' ? '=' : '>='} ${equal.value} ± ${equal.tolerance}`] = `${meets}/${n} (${((100 * meets) / n).toFixed(1)} %)`;
            const labels = {};
            for (const s of r.solutions) labels[s.inputs.cement] = (labels[s.inputs.cement] ?? 0) + 1;
            line.cements = Object.entries(labels).map(([k, v]) => `${k} ${v}`).join(', ');
        }
        if (r.targets.some((t) => t.kind === 'minimize' && t.output === 'cost')) {
            const best = r.solutions[r.summary.best];
            // The answer may use its goal's tolerance; the true optimum is taken under the same acceptance.
            const goal = r.targets.find((t) => t.output === 'strength' && t.kind === 'atLeast');
            const opt = trueCheapest(goal.value - goal.tolerance, best.inputs.age);
            const trueCost = cost(best.inputs);
            line['best: true cost'] = trueCost.toFixed(3);
            line['best: true strength'] = strength(best.inputs).toFixed(2);
            line['true optimum'] = `${opt.cost.toFixed(3)} (${opt.mix.cement}, cement ${opt.mix.cement_pct.toFixed(2)} %, water ${opt.mix.water_pct.toFixed(2)} %, slag ${opt.mix.slag_pct.toFixed(2)} %)`;
            line['gap to the true optimum'] = `${((100 * (trueCost - opt.cost)) / opt.cost).toFixed(2)} % (the answer truly ${strength(best.inputs) >= goal.value - goal.tolerance ? 'meets' : 'misses'} strength >= ${goal.value - goal.tolerance})`;
        }
        lines.push(line);
    }
    for (const l of lines) {
        console.log(l.run);
        for (const [k, v] of Object.entries(l)) if (k !== 'run') console.log(`  ${k}: ${v}`);
    }
    const total = lines.reduce((t, l) => t + l['violations (checked here)'], 0);
    if (total > 0) process.exitCode = 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(process.argv[2] ?? 'out/concrete.json');
