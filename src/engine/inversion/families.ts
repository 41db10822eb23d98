/**
 * Families of answers (CLI-AND-RESULTS.md, `summary.modes`): the solutions that meet their
 * targets, grouped into separate regions of the level set, so a user sees "3 different
 * kinds of answer" rather than one list.
 *
 * Two solutions are in one family when a chain of near neighbours joins them along the level
 * set. Each solution is tried against its FAMILY_NEIGHBOURS nearest (box-normalised
 * distance); a pair is joined when the oracle at the midpoint of the segment between them
 * is still about on the level set: every target's miss there is within its tolerance or
 * within BEND x (its output's gradient) x (the segment's length). A segment along one
 * curve or sheet bends off it only by about length^2 x curvature, so neighbours on one
 * region pass; a segment across the gap between two regions leaves the level set by about
 * half its length and fails, however close the regions come. Families are the connected
 * pieces, largest first.
 */
import type { FeatureTransforms } from './feature-transform.js';
import { levelSetTargets, outputGradients, outputsAt, residual } from './level-set.js';
import { KdTree } from './nearest-neighbour.js';
import type { Oracle } from '../oracle/oracle.js';
import type { TargetSpec } from '../contract/spec.js';
import { tf } from '../backend/tf.js';

export const FAMILY_NEIGHBOURS = 6;
const BEND = 0.1;

export interface FamilyInput {
    transforms: FeatureTransforms;
    oracle: Oracle;
    targets: TargetSpec[];
    /** Free features [n x free], user units. */
    features: ArrayLike<number>;
    solutions: number;
    meets: boolean[];
}

/**
 * The family of each solution (an index, 0 = the largest family), -1 for a solution that
 * does not meet; null when there is no level set (objectives only) or nothing meets.
 */
export async function findFamilies(input: FamilyInput): Promise<Int32Array | null> {
    const { transforms, oracle, features, solutions, meets } = input;
    const targets = levelSetTargets(input.targets, oracle);
    const members = meets.flatMap((m, i) => (m ? [i] : []));
    if (targets.length === 0 || members.length === 0) return null;
    const k = transforms.free.length;
    const free = transforms.free;
    const n = members.length;
    const p = new Float64Array(n * k);
    members.forEach((row, a) => free.forEach((f, j) => (p[a * k + j] = (features[row * k + j] - f.origin) / f.width)));

    const pairs = neighbourPairs(p, n, k, Math.min(FAMILY_NEIGHBOURS, n - 1));
    const parent = Int32Array.from({ length: n }, (_, i) => i);
    if (pairs.length > 0) {
        const x = tf.tensor2d(Float32Array.from(members.flatMap((row) => Array.from({ length: k }, (_, j) => features[row * k + j]))), [n, k]);
        const mid = tf.tensor2d(
            Float32Array.from(pairs.flatMap(([a, b]) => Array.from({ length: k }, (_, j) => (features[members[a] * k + j] + features[members[b] * k + j]) / 2))),
            [pairs.length, k],
        );
        let gradients: Float32Array[];
        let midOutputs: Float32Array;
        try {
            [gradients, midOutputs] = await Promise.all([outputGradients(oracle, transforms, x, targets), outputsAt(oracle, transforms, mid)]);
        } finally {
            tf.dispose([x, mid]);
        }
        const m = oracle.outputs.length;
        const norm = (g: Float32Array, a: number) => Math.hypot(...g.subarray(a * k, (a + 1) * k));
        pairs.forEach(([a, b, d], e) => {
            const onLevelSet = targets.every((t, ti) => {
                const miss = Math.abs(residual(t.target, midOutputs[e * m + t.column]));
                const slope = (norm(gradients[ti], a) + norm(gradients[ti], b)) / 2;
                return miss <= t.target.tolerance || miss <= BEND * slope * d;
            });
            if (onLevelSet) union(parent, a, b);
        });
    }
    // Components, numbered largest first (ties: the one holding the earliest solution).
    const roots = members.map((_, a) => find(parent, a));
    const sizes = new Map<number, number>();
    for (const r of roots) sizes.set(r, (sizes.get(r) ?? 0) + 1);
    const order = [...sizes.keys()].sort((r, s) => sizes.get(s)! - sizes.get(r)! || roots.indexOf(r) - roots.indexOf(s));
    const id = new Map(order.map((r, i) => [r, i]));
    const family = new Int32Array(solutions).fill(-1);
    members.forEach((row, a) => (family[row] = id.get(roots[a])!));
    return family;
}

/** Each point with its `count` nearest (pairs listed once, as [a, b, distance]), by the k-d tree: n log n, not n^2. */
function neighbourPairs(p: Float64Array, n: number, k: number, count: number): Array<[number, number, number]> {
    const seen = new Set<number>();
    const pairs: Array<[number, number, number]> = [];
    const tree = new KdTree(p, n, k);
    const indices = new Int32Array(count);
    const d2 = new Float64Array(count);
    for (let a = 0; a < n; a++) {
        const found = tree.nearest(p, a * k, count, indices, d2, a);
        for (let c = 0; c < found; c++) {
            const b = indices[c];
            const key = Math.min(a, b) * n + Math.max(a, b);
            if (seen.has(key)) continue;
            seen.add(key);
            pairs.push([a, b, Math.sqrt(d2[c])]);
        }
    }
    return pairs;
}

function find(parent: Int32Array, a: number): number {
    while (parent[a] !== a) {
        parent[a] = parent[parent[a]];
        a = parent[a];
    }
    return a;
}

function union(parent: Int32Array, a: number, b: number): void {
    const ra = find(parent, a);
    const rb = find(parent, b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
}
