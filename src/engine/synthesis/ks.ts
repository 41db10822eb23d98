/**
 * Kolmogorov-Smirnov distances, how a synthesis reports how closely its written targets
 * follow the reference (LANGUAGE.md, "Synthesis"): the largest vertical gap between two
 * cumulative distribution functions, 0 for the same distribution, 1 for disjoint ones.
 */

/**
 * The two-sample distance sup_x |F_a(x) - F_b(x)| between the empirical distribution
 * functions of `a` and `b`. Ties are handled: both functions step past a shared value
 * before the gap is measured. NaN values are left out; an empty side gives NaN.
 */
export function ksDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
    const x = sortedFinite(a);
    const y = sortedFinite(b);
    if (x.length === 0 || y.length === 0) return NaN;
    let i = 0;
    let j = 0;
    let gap = 0;
    while (i < x.length && j < y.length) {
        const v = Math.min(x[i], y[j]);
        while (i < x.length && x[i] === v) i++;
        while (j < y.length && y[j] === v) j++;
        gap = Math.max(gap, Math.abs(i / x.length - j / y.length));
    }
    return gap;
}

/**
 * The one-sample distance between the empirical distribution of `sample` and the uniform
 * distribution on [lo, hi]: the two-sample distance against an infinite uniform sample.
 */
export function ksToUniform(sample: ArrayLike<number>, lo: number, hi: number): number {
    const x = sortedFinite(sample);
    const n = x.length;
    if (n === 0) return NaN;
    const cdf = (v: number) => (hi > lo ? Math.min(1, Math.max(0, (v - lo) / (hi - lo))) : v >= lo ? 1 : 0);
    let gap = 0;
    for (let i = 0; i < n; i++) {
        const f = cdf(x[i]);
        // Just below x[i] the sample's function is i/n, at x[i] (i+1)/n.
        gap = Math.max(gap, Math.abs(f - i / n), Math.abs((i + 1) / n - f));
    }
    return gap;
}

function sortedFinite(values: ArrayLike<number>): Float64Array {
    return Float64Array.from(Array.prototype.filter.call(values, (v: number) => !Number.isNaN(v)) as number[]).sort();
}
