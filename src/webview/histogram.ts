/** Bins for the distribution charts. Pure: no DOM. */

/** About √n bins, at least 5 and at most 40: enough shape, no comb of empty bins. */
export function suggestedBinCount(n: number): number {
    return Math.min(40, Math.max(5, Math.ceil(Math.sqrt(n))));
}

/** The round width nearest `raw` (by ratio): 1, 2, 2.5 or 5 times a power of ten. */
export function niceWidth(raw: number): number {
    const power = 10 ** Math.floor(Math.log10(raw));
    let best = power;
    for (const step of [1, 2, 2.5, 5, 10]) {
        if (Math.abs(Math.log(step * power / raw)) < Math.abs(Math.log(best / raw))) best = step * power;
    }
    return best;
}

/**
 * Equal-width bins with round edges (multiples of a `niceWidth`), about `count` of them,
 * spanning the feature's bound when one is given (so a histogram shows where in its box a
 * feature lies, not only the range the solutions happen to cover) and every finite value of
 * every sample (a soft bound can be left). Shared edges let samples be drawn over each
 * other. Without a bound, a sample of one value gets bins around it.
 */
export function binEdges(samples: ArrayLike<number>[], count: number, bound: readonly [number, number] | null = null): number[] {
    let low = bound ? bound[0] : Infinity;
    let high = bound ? bound[1] : -Infinity;
    for (const sample of samples) {
        for (let i = 0; i < sample.length; i++) {
            const v = sample[i]!;
            if (!Number.isFinite(v)) continue;
            if (v < low) low = v;
            if (v > high) high = v;
        }
    }
    if (low > high) return [0, 1];
    if (low === high) {
        const half = low === 0 ? 0.5 : Math.abs(low) * 0.05;
        low -= half;
        high += half;
    }
    const width = niceWidth((high - low) / Math.max(1, count));
    // A hair of slack: an edge that is a multiple of the width up to rounding stays an edge.
    const first = Math.floor(low / width + 1e-9);
    const last = Math.max(first + 1, Math.ceil(high / width - 1e-9));
    return Array.from({ length: last - first + 1 }, (_, i) => Number(((first + i) * width).toPrecision(12)));
}

/** How many values fall in each bin; the last bin includes its upper edge. */
export function countInBins(values: ArrayLike<number>, edges: number[]): number[] {
    const bins = edges.length - 1;
    const counts = new Array<number>(bins).fill(0);
    const low = edges[0]!, high = edges[bins]!;
    const width = (high - low) / bins;
    for (let i = 0; i < values.length; i++) {
        const v = values[i]!;
        if (!Number.isFinite(v) || v < low || v > high) continue;
        counts[Math.min(bins - 1, Math.floor((v - low) / width))]! += 1;
    }
    return counts;
}

/** Counts as a share of the sample (so samples of different sizes compare). */
export function asShares(counts: number[]): number[] {
    const total = counts.reduce((s, c) => s + c, 0);
    return total === 0 ? counts.map(() => 0) : counts.map((c) => c / total);
}
