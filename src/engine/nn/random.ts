/**
 * Seeded random numbers for everything the engine draws: weight initialisation, the latent
 * rows, adjoint starts, data splits and shuffles. Drawn in JavaScript (not by a backend's
 * own generator) so that a seed gives the same numbers on every backend; Math.random is
 * never used, so runs are reproducible.
 */

/** mulberry32: small, fast, and good enough for initialisation and shuffling. */
export class Random {
    private state: number;
    private spare: number | null = null;

    constructor(seed: number) {
        this.state = mix(seed) >>> 0;
    }

    /** Uniform on [0, 1). */
    next(): number {
        this.state = (this.state + 0x6d2b79f5) >>> 0;
        let t = this.state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    }

    uniform(lo: number, hi: number): number {
        return lo + (hi - lo) * this.next();
    }

    /** Standard normal (Box-Muller, both values used). */
    normal(): number {
        if (this.spare !== null) {
            const s = this.spare;
            this.spare = null;
            return s;
        }
        let u = 0;
        while (u === 0) u = this.next();
        const r = Math.sqrt(-2 * Math.log(u));
        const a = 2 * Math.PI * this.next();
        this.spare = r * Math.sin(a);
        return r * Math.cos(a);
    }

    normals(count: number): Float32Array {
        const out = new Float32Array(count);
        for (let i = 0; i < count; i++) out[i] = this.normal();
        return out;
    }

    /** A random permutation of 0..n-1 (Fisher-Yates). */
    permutation(n: number): Int32Array {
        const p = new Int32Array(n);
        for (let i = 0; i < n; i++) p[i] = i;
        for (let i = n - 1; i > 0; i--) {
            const j = Math.floor(this.next() * (i + 1));
            const t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}

/**
 * A seed for one purpose derived from the user's seed, so that (say) the latent draw does
 * not change when the number of layers does.
 */
export function seedFor(seed: number, purpose: string): number {
    let h = mix(seed);
    for (let i = 0; i < purpose.length; i++) h = mix(h ^ purpose.charCodeAt(i));
    return h >>> 0;
}

/** A 32-bit integer hash (from splitmix32's finaliser). */
function mix(x: number): number {
    let h = (x | 0) + 0x9e3779b9;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return (h ^ (h >>> 16)) | 0;
}
