/**
 * The spread term (spread-force.ts) for the fused kernel: the same coefficients c of the
 * surrogate sum(c * x), computed on plain arrays in the kernel's feature-major layout
 * [free x npad]. The nearest neighbours come from a k-d tree (nearest-neighbour.ts), the
 * gradients of the targeted outputs from the kernel (outputGradient), and c is written
 * into the kernel's memory, where each step adds it to the gradient w.r.t. the features.
 */
import type { FeatureTransforms } from './feature-transform.js';
import type { KernelMemory } from '../nn/fused/kernel.js';
import { nearestNeighbours } from './nearest-neighbour.js';
import type { Oracle } from '../oracle/oracle.js';
import { EPSILON } from './entropy-gradient.js';
import { spreadScale, type SpreadTerm } from './spread-force.js';
import type { TargetSpec } from '../contract/spec.js';

export class FusedSpread {
    /** Where the coefficients live in the kernel's memory ([free x npad]). */
    readonly coefficientsPointer: number;
    private readonly features: number;
    private readonly gradients: number[];
    private readonly terms: SpreadTerm[];
    private readonly spacing: number;
    private readonly lo: number[];
    private readonly width: number[];
    private readonly free: number;

    constructor(
        private readonly weight: number,
        private readonly n: number,
        private readonly npad: number,
        transforms: FeatureTransforms,
        oracle: Oracle,
        targets: TargetSpec[],
        private readonly memory: KernelMemory,
        /** The kernel's d(output column)/d(free features) at features `x` into `out` (both [free x npad] pointers). */
        private readonly outputGradient: (column: number, x: number, out: number) => void,
    ) {
        this.free = transforms.free.length;
        this.lo = transforms.free.map((f) => f.origin);
        this.width = transforms.free.map((f) => f.width);
        ({ terms: this.terms, spacing: this.spacing } = spreadScale(n, this.free, oracle, targets));
        const size = this.free * npad;
        this.coefficientsPointer = memory.words(size);
        this.features = memory.words(size);
        this.gradients = this.terms.map(() => memory.words(size));
    }

    /** The coefficients at features x ([free x npad], user units). */
    compute(x: Float32Array): void {
        const { n, npad, free, width } = this;
        this.memory.write(this.features, x);
        const p = new Float64Array(free * npad);
        for (let j = 0; j < free; j++) for (let i = 0; i < n; i++) p[j * npad + i] = (x[j * npad + i] - this.lo[j]) / width[j];

        // d/dp of sum_i 0.5 log(r_i^2 + eps), r_i the distance to i's nearest neighbour.
        const nearest = nearestNeighbours(p, n, free, npad);
        const own = new Float64Array(free * n);
        for (let i = 0; i < n; i++) {
            const k = nearest[i];
            let r2 = 0;
            for (let j = 0; j < free; j++) {
                const d = k < 0 ? 0 : p[j * npad + i] - p[j * npad + k];
                own[i * free + j] = d;
                r2 += d * d;
            }
            for (let j = 0; j < free; j++) own[i * free + j] /= r2 + EPSILON;
        }
        const ascent = Float64Array.from(own);
        for (let i = 0; i < n; i++) {
            const k = nearest[i];
            if (k >= 0) for (let j = 0; j < free; j++) ascent[k * free + j] -= own[i * free + j];
        }
        for (let q = 0; q < ascent.length; q++) ascent[q] *= this.spacing;

        // Per target: the gradient of its output w.r.t. p, [n x free].
        const normals = this.terms.map((t, ti) => {
            this.outputGradient(t.column, this.features, this.gradients[ti]);
            const g = this.memory.f32(this.gradients[ti], free * npad);
            const out = new Float64Array(n * free);
            for (let i = 0; i < n; i++) for (let j = 0; j < free; j++) out[i * free + j] = g[j * npad + i] * width[j];
            return out;
        });
        const tangent = projectOutRows(
            ascent,
            normals.filter((_, i) => this.terms[i].project),
            n,
            free,
        );
        const c = this.memory.f32(this.coefficientsPointer, free * npad);
        const scale = -this.weight / n;
        for (let i = 0; i < n; i++) {
            // The strongest pull of the accuracy term at a miss of one tolerance.
            let pull = -Infinity;
            normals.forEach((g, ti) => {
                let s = 0;
                for (let j = 0; j < free; j++) s += g[i * free + j] ** 2;
                pull = Math.max(pull, Math.sqrt(s) * this.terms[ti].pull);
            });
            for (let j = 0; j < free; j++) c[j * npad + i] = ((tangent[i * free + j] * pull) / width[j]) * scale;
        }
    }
}

/** Each row of v with its components along the normals' rows removed (Gram-Schmidt per row), as spread-force.ts's projectOut. */
function projectOutRows(v: Float64Array, normals: Float64Array[], n: number, free: number): Float64Array {
    const out = Float64Array.from(v);
    const basis = normals.map(() => new Float64Array(free));
    for (let i = 0; i < n; i++) {
        normals.forEach((normal, b) => {
            const q = basis[b];
            for (let j = 0; j < free; j++) q[j] = normal[i * free + j];
            for (let a = 0; a < b; a++) {
                const e = basis[a];
                let dot = 0;
                for (let j = 0; j < free; j++) dot += q[j] * e[j];
                for (let j = 0; j < free; j++) q[j] -= dot * e[j];
            }
            let norm = 0;
            for (let j = 0; j < free; j++) norm += q[j] * q[j];
            norm = Math.sqrt(norm + 1e-20);
            for (let j = 0; j < free; j++) q[j] /= norm;
        });
        for (const e of basis) {
            let dot = 0;
            for (let j = 0; j < free; j++) dot += out[i * free + j] * e[j];
            for (let j = 0; j < free; j++) out[i * free + j] -= dot * e[j];
        }
    }
    return out;
}
