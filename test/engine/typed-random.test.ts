/**
 * summary.violations is 0 by construction: random typed design spaces (random polytopes of
 * `require` relations, some features whole, a categorical one) through whole runs of the
 * generator and the adjoint, every written answer checked against every rule from its values.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '../../src/engine/backend/backend.js';
import { runInversion } from '../../src/engine/inversion/invert.js';
import { Random } from '../../src/engine/nn/random.js';
import type { FeatureSpec, OracleSpec, RelationSpec, TargetSpec } from '../../src/engine/contract/spec.js';
import { tempFolder, writeLinearModel } from './model-fixtures.js';

const PROBLEMS = 40;
let dir: string;

beforeAll(async () => {
    await initBackend('wasm');
    dir = tempFolder();
});

interface Problem {
    oracle: OracleSpec;
    features: FeatureSpec[];
    relations: RelationSpec[];
    targets: TargetSpec[];
}

/** k numeric features around a known whole feasible point, one categorical, random relations through it. */
async function randomProblem(random: Random, index: number): Promise<Problem> {
    const k = 2 + Math.floor(random.uniform(0, 4));
    const names = Array.from({ length: k }, (_, i) => `x${i}`);
    const whole = names.map(() => random.uniform(0, 1) < 0.4);
    const point = names.map(() => Math.round(random.uniform(-20, 20)));
    const boxes = point.map((p) => ({ lo: p - Math.ceil(random.uniform(1, 15)), hi: p + Math.ceil(random.uniform(1, 15)) }));
    const relations: RelationSpec[] = [];
    const count = 1 + Math.floor(random.uniform(0, 4));
    for (let r = 0; r < count; r++) {
        const terms = names.map((feature) => ({ feature, coefficient: Math.round(random.uniform(-4, 4) * 4) / 4 })).filter((t) => t.coefficient !== 0);
        if (terms.length === 0) continue;
        const lhs = terms.reduce((s, t) => s + t.coefficient * point[names.indexOf(t.feature)], 0);
        const kind = random.uniform(0, 1);
        // An equality only over real features (with whole ones it may leave no whole point but the known one).
        if (kind < 0.25 && terms.every((t) => !whole[names.indexOf(t.feature)])) relations.push({ text: `r${r}`, terms, op: '=', constant: lhs });
        else if (kind < 0.6) relations.push({ text: `r${r}`, terms, op: '<=', constant: lhs + random.uniform(0, 10) });
        else relations.push({ text: `r${r}`, terms, op: '>=', constant: lhs - random.uniform(0, 10) });
    }
    const labels = ['p', 'q', 'r'];
    const oracle: OracleSpec = {
        name: 'Random', modelPath: join(dir, `m${index}`, 'model.json'), modelPathAsWritten: 'model.json', training: null, outputs: ['y'],
        inputs: [{ name: 'c', domain: null, type: { kind: 'categorical', labels } }, ...names.map((name, i) => ({ name, domain: boxes[i], ...(whole[i] ? { type: { kind: 'integer' as const } } : {}) }))],
    };
    const weights = [...labels.map(() => [random.uniform(-5, 5)]), ...names.map(() => [random.uniform(-2, 2)])];
    await writeLinearModel(oracle.modelPath, weights, [0]);
    const features: FeatureSpec[] = [
        { role: 'free', name: 'c', domain: null, type: { kind: 'categorical', labels }, ...(random.uniform(0, 1) < 0.3 ? { allowed: ['p', 'r'] } : {}), transform: { kind: 'none' } },
        ...names.map((name, i): FeatureSpec => ({ role: 'free', name, domain: boxes[i], ...(whole[i] ? { type: { kind: 'integer' } } : {}), transform: { kind: 'box', box: boxes[i], source: 'domain' } })),
    ];
    const targets: TargetSpec[] = random.uniform(0, 1) < 0.5 ? [{ output: 'y', kind: 'maximize' }] : [{ output: 'y', kind: 'equal', value: random.uniform(-20, 20), tolerance: 0.1 }];
    return { oracle, features, relations, targets };
}

/** How many answers break a rule: a label outside the allowed ones, a fraction where whole, a box, a relation (1e-9 relative). */
function broken(p: Problem, solutions: Array<{ inputs: Record<string, number | string> }>): number {
    return solutions.filter((s) => {
        const c = p.features[0] as Extract<FeatureSpec, { role: 'free' }>;
        if (!(c.allowed ?? ['p', 'q', 'r']).includes(String(s.inputs.c))) return true;
        for (const f of p.features.slice(1)) {
            const v = s.inputs[f.name];
            if (typeof v !== 'number' || !Number.isFinite(v)) return true;
            if (f.type?.kind === 'integer' && !Number.isInteger(v)) return true;
            const box = f.role === 'free' && f.transform.kind === 'box' ? f.transform.box : null;
            if (box && (v < box.lo || v > box.hi)) return true;
        }
        return p.relations.some((r) => {
            let lhs = 0;
            let size = Math.max(1, Math.abs(r.constant));
            for (const t of r.terms) {
                const term = t.coefficient * Number(s.inputs[t.feature]);
                lhs += term;
                size += Math.abs(term);
            }
            const miss = r.op === '<=' ? lhs - r.constant : r.op === '>=' ? r.constant - lhs : Math.abs(lhs - r.constant);
            return miss > 1e-9 * size;
        });
    }).length;
}

describe('random typed design spaces, whole runs', () => {
    it(`breaks no rule in any answer of ${PROBLEMS} random problems (generator and adjoint)`, async () => {
        const random = new Random(20261201);
        let answers = 0;
        let reported = 0;
        let found = 0;
        for (let i = 0; i < PROBLEMS; i++) {
            const p = await randomProblem(random, i);
            const method = i % 2 === 0 ? { kind: 'adjoint' as const } : { kind: 'generator' as const, latent: 4, layers: [8], activation: 'relu' as const };
            const r = await runInversion({
                kind: 'inversion', name: `R${i}`, source: '/tmp/r.inv', sourceHash: '0', oracle: p.oracle, features: p.features, targets: p.targets,
                stopOutsideBounds: false, method, steps: 40, learningRate: 0.01, seed: i, diversity: 0, backend: 'wasm', solutions: 8, relations: p.relations,
            });
            answers += r.solutions.length;
            reported += r.summary.violations ?? NaN;
            found += broken(p, r.solutions);
        }
        expect(answers).toBe(PROBLEMS * 8);
        expect(reported).toBe(0);
        expect(found).toBe(0);
    });
});
