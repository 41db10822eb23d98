/**
 * Nearest neighbours in memory linear in the number of points: a k-d tree (median splits on
 * the widest coordinate, leaves of LEAF points) searched depth-first, nearer side first,
 * pruning boxes farther than the k-th best found. For the few dimensions of an inversion's
 * free features or an oracle's inputs a query takes O(log n); in many dimensions it degrades
 * towards comparing every pair, but never needs an n x n matrix (the spread term's old
 * distance matrix took 17 GB at 65,536 solutions).
 *
 * Used for each solution's nearest other solution (the spread term, `nearestNeighbours`),
 * the few nearest answers that families are joined along (families.ts), and the nearest
 * training rows that support is measured by (support.ts).
 *
 * Ties are broken deterministically (the same points give the same neighbours), and a
 * point with an exact duplicate takes the first duplicate found: solutions piled on one
 * corner of a box cost a scan of their leaf, not a comparison of every pair.
 */

const LEAF = 8;

export class KdTree {
    /** The points in tree order, row-major: a leaf's points are contiguous. */
    private readonly q: Float64Array;
    /** Original index of the point at each tree position. */
    private readonly index: Int32Array;
    private readonly start: Int32Array;
    private readonly end: Int32Array;
    private readonly dim: Int32Array;
    private readonly split: Float64Array;
    private readonly left: Int32Array;
    private readonly right: Int32Array;
    private readonly stack: Int32Array;
    private readonly gap: Float64Array;

    /**
     * points: coordinate j of point i at points[j * stride + i] (feature-major, as the fused
     * kernel keeps them) — or, with stride 0, at points[i * dims + j] (row-major).
     */
    constructor(points: ArrayLike<number>, readonly n: number, readonly dims: number, stride = 0) {
        const at = stride === 0 ? (i: number, j: number) => points[i * dims + j] : (i: number, j: number) => points[j * stride + i];
        // Row-major float64 copy: the search reads it many times.
        const p = new Float64Array(n * dims);
        for (let i = 0; i < n; i++) for (let j = 0; j < dims; j++) p[i * dims + j] = at(i, j);
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
        if (n > 0) build(0, n);
        const q = new Float64Array(n * dims);
        for (let k = 0; k < n; k++) for (let j = 0; j < dims; j++) q[k * dims + j] = p[index[k] * dims + j];
        this.q = q;
        this.index = index;
        this.start = start;
        this.end = end;
        this.dim = dim;
        this.split = split;
        this.left = left;
        this.right = right;
        this.stack = new Int32Array(2 * 64 + maxNodes);
        this.gap = new Float64Array(this.stack.length);
    }

    /** The original index of the point at tree position `position` (queries in tree order are cache-friendly). */
    indexAt(position: number): number {
        return this.index[position];
    }

    /** The coordinates of the point at tree position `position`. */
    pointAt(position: number): Float64Array {
        return this.q.subarray(position * this.dims, (position + 1) * this.dims);
    }

    /**
     * The k points nearest to `query` (its `dims` coordinates from `offset`), nearest first:
     * their original indices into `indices` and squared distances into `d2`; the point whose
     * original index is `skip` is left out. Returns how many were found (fewer than k only
     * when the tree holds fewer points).
     */
    nearest(query: ArrayLike<number>, offset: number, k: number, indices: Int32Array, d2: Float64Array, skip = -1): number {
        const { q, dims, start, end, dim, split, left, right, stack, gap, index } = this;
        if (this.n === 0 || k === 0) return 0;
        let found = 0;
        let worst = Infinity; // the k-th best once k are found
        let top = 0;
        stack[top] = 0;
        gap[top++] = 0;
        while (top > 0) {
            top--;
            const node = stack[top];
            if (gap[top] > worst || (found === k && worst === 0)) continue;
            if (left[node] < 0) {
                for (let m = start[node]; m < end[node]; m++) {
                    if (index[m] === skip) continue;
                    let d = 0;
                    for (let j = 0; j < dims; j++) {
                        const t = query[offset + j] - q[m * dims + j];
                        d += t * t;
                    }
                    if (found === k && d >= worst) continue;
                    // Insert into the sorted list of the k least squared distances.
                    let at = found < k ? found++ : k - 1;
                    while (at > 0 && d2[at - 1] > d) {
                        d2[at] = d2[at - 1];
                        indices[at] = indices[at - 1];
                        at--;
                    }
                    d2[at] = d;
                    indices[at] = index[m];
                    if (found === k) worst = d2[k - 1];
                }
                continue;
            }
            const t = query[offset + dim[node]] - split[node];
            const near = t < 0 ? left[node] : right[node];
            const far = t < 0 ? right[node] : left[node];
            // Far side first on the stack, so the near side is searched first.
            stack[top] = far;
            gap[top++] = t * t;
            stack[top] = near;
            gap[top++] = 0;
        }
        return found;
    }
}

/**
 * Each point's nearest other point (-1 when it has none). points as KdTree takes them. The
 * queries go in tree order, so each finds its neighbours where the previous one left the cache.
 */
export function nearestNeighbours(points: ArrayLike<number>, n: number, dims: number, stride = 0): Int32Array {
    const nearest = new Int32Array(n).fill(-1);
    if (n < 2) return nearest;
    const tree = new KdTree(points, n, dims, stride);
    const one = new Int32Array(1);
    const d2 = new Float64Array(1);
    for (let k = 0; k < n; k++) {
        const own = tree.indexAt(k);
        if (tree.nearest(tree.pointAt(k), 0, 1, one, d2, own) === 1) nearest[own] = one[0];
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
