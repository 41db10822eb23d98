/** Equal-width bins for the distribution charts. Pure: no DOM. */

/** About √n bins, at least 5 and at most 40: enough shape, no comb of empty bins. */
export function suggestedBinCount(n: number): number {
    return Math.min(40, Math.max(5, Math.ceil(Math.sqrt(n))));
}

/**
 * `count + 1` edges spanning every finite value of every sample (shared edges let samples
 * be drawn over each other). A sample of one value gets one bin of width 1 around it.
 */
export function binEdges(samples: ArrayLike<number>[], count: number): number[] {
    let low = Infinity, high = -Infinity;
    for (const sample of samples) {
        for (let i = 0; i < sample.length; i++) {
            const v = sample[i]!;
            if (!Number.isFinite(v)) continue;
            if (v < low) low = v;
            if (v > high) high = v;
        }
    }
    if (low > high) return [0, 1];
    if (low === high) return [low - 0.5, low + 0.5];
    const width = (high - low) / count;
    return Array.from({ length: count + 1 }, (_, i) => (i === count ? high : low + i * width));
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
