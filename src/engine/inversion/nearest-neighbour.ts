/**
 * Each point's nearest other point, in memory linear in the number of points: a k-d tree
 * (median splits on the widest coordinate, leaves of LEAF points) searched depth-first,
 * nearer side first, pruning boxes farther than the best found. For the few free features
 * of an inversion this takes O(n log n); in many dimensions it degrades towards comparing
 * every pair, but never needs an n x n matrix (the spread term's old distance matrix took
 * 17 GB at 65,536 solutions).
 *
 * Ties are broken deterministically (the same points give the same neighbours), and a
 * point with an exact duplicate takes the first duplicate found: solutions piled on one
 * corner of a box cost a scan of their leaf, not a comparison of every pair.
 */

const LEAF = 8;

/**
 * points: coordinate j of point i at points[j * stride + i] (feature-major, as the fused
 * kernel keeps them) — or, with stride 0, at points[i * dims + j] (row-major).
 */
export function nearestNeighbours(points: ArrayLike<number>, n: number, dims: number, stride = 0): Int32Array {
    const at = stride === 0 ? (i: number, j: number) => points[i * dims + j] : (i: number, j: number) => points[j * stride + i];
    // Row-major float64 copy: the search reads it many times.
    const p = new Float64Array(n * dims);
    for (let i = 0; i < n; i++) for (let j = 0; j < dims; j++) p[i * dims + j] = at(i, j);
    const nearest = new Int32Array(n).fill(-1);
    if (n < 2) return nearest;
    const index = new Int32Array(n);
    for (let i = 0; i < n; i++) index[i] = i;
    // Nodes in arrays: [start, end) of `index`, split dimension and value, children.
    // A binary tree whose leaves hold at least one point each has fewer than 2n nodes.
    const maxNodes = 2 * n + 1;
    const start = new Int32Array(maxNodes);
    const end = new Int32Array(maxNodes);
    const dim = new Int32Array(maxNodes);
    const split = new Float64Array(maxNodes);
    const left = new Int32Array(maxNodes).fill(-1);
    const right = new Int32Array(maxNodes).fill(-1);
    let nodes = 0;

    const build = (s: number, e: number): number => {
        const node = nodes++;
        start[node] = s;
        end[node] = e;
        if (e - s <= LEAF) return node;
        let best = 0;
        let widest = -1;
        for (let j = 0; j < dims; j++) {
            let lo = Infinity;
            let hi = -Infinity;
            for (let k = s; k < e; k++) {
                const v = p[index[k] * dims + j];
                if (v < lo) lo = v;
                if (v > hi) hi = v;
            }
            if (hi - lo > widest) {
                widest = hi - lo;
                best = j;
            }
        }
        if (!(widest > 0)) return node; // all equal (or NaN): a leaf
        const mid = (s + e) >> 1;
        select(index, p, dims, best, s, e - 1, mid);
        dim[node] = best;
        split[node] = p[index[mid] * dims + best];
        left[node] = build(s, mid);
        right[node] = build(mid, e);
        return node;
    };
    build(0, n);

    // The points in tree order: a leaf's points are contiguous, and queries taken in this
    // order find their neighbours where the previous query left the cache.
    const q = new Float64Array(n * dims);
    for (let k = 0; k < n; k++) for (let j = 0; j < dims; j++) q[k * dims + j] = p[index[k] * dims + j];

    const stack = new Int32Array(2 * 64 + maxNodes);
    const gap = new Float64Array(stack.length);
    for (let k = 0; k < n; k++) {
        const base = k * dims;
        let bestD = Infinity;
        let bestK = -1;
        let top = 0;
        stack[top] = 0;
        gap[top++] = 0;
        while (top > 0 && bestD > 0) {
            top--;
            const node = stack[top];
            if (gap[top] > bestD) continue;
            if (left[node] < 0) {
                for (let m = start[node]; m < end[node]; m++) {
                    if (m === k) continue;
                    let d = 0;
                    for (let j = 0; j < dims; j++) {
                        const t = q[base + j] - q[m * dims + j];
                        d += t * t;
                    }
                    if (d < bestD) {
                        bestD = d;
                        bestK = m;
                        if (d === 0) break;
                    }
                }
                continue;
            }
            const t = q[base + dim[node]] - split[node];
            const near = t < 0 ? left[node] : right[node];
            const far = t < 0 ? right[node] : left[node];
            // Far side first on the stack, so the near side is searched first.
            stack[top] = far;
            gap[top++] = t * t;
            stack[top] = near;
            gap[top++] = 0;
        }
        nearest[index[k]] = bestK < 0 ? -1 : index[bestK];
    }
    return nearest;
}

/** Partially sorts index[lo..hi] so that index[k] holds the point with the k-th smallest coordinate `d`. */
function select(index: Int32Array, p: Float64Array, dims: number, d: number, lo: number, hi: number, k: number): void {
    while (hi > lo) {
        const pivot = p[index[(lo + hi) >> 1] * dims + d];
        let i = lo;
        let j = hi;
        while (i <= j) {
            while (p[index[i] * dims + d] < pivot) i++;
            while (p[index[j] * dims + d] > pivot) j--;
            if (i <= j) {
                const t = index[i];
                index[i] = index[j];
                index[j] = t;
                i++;
                j--;
            }
        }
        if (k <= j) hi = j;
        else if (k >= i) lo = i;
        else return;
    }
}
