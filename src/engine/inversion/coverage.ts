/**
 * Coverage (`summary.coverage`): how much of the level set the answers cover, as the oracle
 * draws it. PROBES points spread evenly over the free features' boxes (a Halton sequence
 * with a seeded shift) are pulled onto the level set by Gauss-Newton steps on the oracle
 * (the least move that meets every target to first order, in box-normalised units); those
 * that land on it inside their boxes (and, when the search keeps to the data, inside the
 * data's support) sample the level set the answers could have covered. Coverage is the share
 * of those samples with a meeting answer within `reach` in every free feature (box-normalised):
 * 0.1 of the box, or the spacing n^(-1/d) of n answers spread evenly over a d-dimensional
 * level set when that is larger (a 3-D sheet needs more answers than a curve).
 */

import type { DataSupport } from './support.js';
import { SUPPORTED_AT } from './support.js';
import type { FeatureTransforms } from './feature-transform.js';
import { leastMove, levelSetTargets, outputGradients, outputsAt, residual } from './level-set.js';
import type { Oracle } from '../oracle/oracle.js';
import { Random, seedFor } from '../nn/random.js';
import type { TargetSpec } from '../contract/spec.js';
import { tf } from '../backend/tf.js';

const PROBES = 512;
const ITERATIONS = 10;
const LEAST_REACH = 0.1;

export interface CoverageInput {
    transforms: FeatureTransforms;
    oracle: Oracle;
    targets: TargetSpec[];
    /** Free features [n x free] of the answers, user units, and which of them meet. */
    answers: ArrayLike<number>;
    solutions: number;
    meets: boolean[];
    /** The data's support when the search kept to it (probes outside it do not count); else null. */
    support: DataSupport | null;
    seed: number;
}

export interface CoverageReport {
    /** Share of the level-set samples with an answer within reach; null when none was found. */
    coverage: number | null;
    /** How many probes landed on the level set (and inside the support). */
    samples: number;
}

export async function levelSetCoverage(input: CoverageInput): Promise<CoverageReport> {
    const { transforms, oracle } = input;
    const targets = levelSetTargets(input.targets, oracle);
    const free = transforms.free;
    const k = free.length;
    if (targets.length === 0 || k === 0) return { coverage: null, samples: 0 };
    const p = haltonProbes(PROBES, k, seedFor(input.seed, 'coverage-probes'));
    const m = oracle.outputs.length;
    let landed = new Array<boolean>(PROBES).fill(false);
    for (let it = 0; it <= ITERATIONS; it++) {
        const x = tf.tensor2d(toFeatures(p, PROBES, transforms), [PROBES, k]);
        let y: Float32Array;
        let grads: Float32Array[];
        try {
            [y, grads] = await Promise.all([outputsAt(oracle, transforms, x), it < ITERATIONS ? outputGradients(oracle, transforms, x, targets) : Promise.resolve([])]);
        } finally {
            x.dispose();
        }
        landed = Array.from({ length: PROBES }, (_, i) => targets.every((t) => Math.abs(residual(t.target, y[i * m + t.column])) <= t.target.tolerance));
        if (it === ITERATIONS) break;
        for (let i = 0; i < PROBES; i++) {
            if (landed[i]) continue;
            const active = targets.map((t, ti) => ({ ti, r: residual(t.target, y[i * m + t.column]) })).filter((a) => a.r !== 0);
            const step = leastMove(active.map((a) => grads[a.ti].subarray(i * k, (i + 1) * k)), active.map((a) => a.r));
            if (!step) continue;
            for (let j = 0; j < k; j++) p[i * k + j] = Math.min(1, Math.max(0, p[i * k + j] - step[j]));
        }
    }
    let samples = landed.flatMap((ok, i) => (ok ? [i] : []));
    if (input.support && samples.length > 0) {
        const width = transforms.inputs;
        const inputs = new Float64Array(samples.length * width);
        const x = toFeatures(p, PROBES, transforms);
        samples.forEach((i, s) => {
            inputs.set(transforms.fixedValues, s * width);
            free.forEach((f, j) => (inputs[s * width + f.column] = x[i * k + j]));
        });
        const scores = input.support.scores(inputs, samples.length);
        samples = samples.filter((_, s) => scores[s] >= SUPPORTED_AT);
    }
    if (samples.length === 0) return { coverage: null, samples: 0 };

    const dims = Math.max(1, k - targets.filter((t) => t.target.kind === 'equal').length);
    const meeting = input.meets.flatMap((ok, i) => (ok ? [i] : []));
    const reach = Math.max(LEAST_REACH, dims > 1 ? Math.max(1, meeting.length) ** (-1 / dims) : 0);
    const answerP = meeting.map((row) => free.map((f, j) => (input.answers[row * k + j] - f.origin) / f.width));
    let covered = 0;
    for (const i of samples) {
        if (answerP.some((a) => a.every((v, j) => Math.abs(v - p[i * k + j]) <= reach))) covered++;
    }
    return { coverage: covered / samples.length, samples: samples.length };
}

/** Box-normalised probes -> free features in user units [count x free]. */
function toFeatures(p: Float64Array, count: number, transforms: FeatureTransforms): Float32Array {
    const free = transforms.free;
    const k = free.length;
    const x = new Float32Array(count * k);
    for (let i = 0; i < count; i++) free.forEach((f, j) => (x[i * k + j] = f.origin + f.width * p[i * k + j]));
    return x;
}

const PRIMES = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97];

/** `count` points of [0, 1]^k: a Halton sequence (random shifts per coordinate past its 25 primes), shifted by a seeded offset. */
function haltonProbes(count: number, k: number, seed: number): Float64Array {
    const random = new Random(seed);
    const shift = Array.from({ length: k }, () => random.next());
    const p = new Float64Array(count * k);
    for (let i = 0; i < count; i++) {
        for (let j = 0; j < k; j++) {
            const v = j < PRIMES.length ? radicalInverse(i + 1, PRIMES[j]) : random.next();
            p[i * k + j] = (v + shift[j]) % 1;
        }
    }
    return p;
}

function radicalInverse(i: number, base: number): number {
    let f = 1;
    let r = 0;
    while (i > 0) {
        f /= base;
        r += f * (i % base);
        i = Math.floor(i / base);
    }
    return r;
}
