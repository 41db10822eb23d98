/**
 * The gradient of the nearest-neighbour entropy estimate (Kozachenko-Leonenko, up to
 * constants) of n points: what spreads the solutions, both in the spread term
 * (spread-force.ts) and in the walk along the level set (level-set-projection.ts). Memory
 * grows linearly with n: the nearest neighbours come from blocks of the distance matrix on
 * the backend, or from a k-d tree beyond ON_DEVICE_NEIGHBOURS points.
 */
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs';

import { nearestNeighbours } from './nearest-neighbour.js';
import { tf } from '../backend/tf.js';

/** Squared distance (in box-normalised units) below which two solutions count as one point. */
export const EPSILON = 1e-8;

/**
 * Up to this many solutions the nearest neighbours are found on the backend from blocks of
 * the distance matrix (DISTANCE_BLOCK entries at most at a time); beyond, the solutions are
 * read back and searched with a k-d tree (nearest-neighbour.ts), whose time grows as
 * n log n rather than n^2. Either way memory grows linearly with the solutions.
 */
export const ON_DEVICE_NEIGHBOURS = 4096;
export const DISTANCE_BLOCK = 1 << 22;

/** d/dp of sum_i 0.5 log(r_i^2 + eps) at points p [n, d], r_i the distance from i to its nearest neighbour. */
export function entropyGradient(p: Tensor2D): Tensor2D {
    return tf.tidy(() => {
        const nearest = nearestOther(p);
        const diff = tf.sub(p, tf.gather(p, nearest));
        const r2 = tf.sum(tf.square(diff), 1, true);
        const own = tf.div(diff, tf.add(r2, EPSILON));
        // Point j is the nearest neighbour of others: their terms push it the other way
        // (scatterND sums the rows that land on one index).
        const pushedBack = tf.scatterND(tf.reshape(nearest, [-1, 1]), own, own.shape);
        return tf.sub(own, pushedBack) as Tensor2D;
    });
}

/** Each point's nearest other point [n] (int32), in memory linear in n. */
export function nearestOther(p: Tensor2D): Tensor1D {
    const n = p.shape[0];
    // The k-d tree reads the points back synchronously: not on webgpu, which cannot (in
    // Node), and whose blocked search on the device is fast anyway.
    if (n > ON_DEVICE_NEIGHBOURS && tf.getBackend() !== 'webgpu') {
        return tf.tensor1d(nearestNeighbours(p.dataSync(), n, p.shape[1]), 'int32');
    }
    return tf.tidy(() => {
        const sq = tf.sum(tf.square(p), 1);
        const rows = Math.max(1, Math.floor(DISTANCE_BLOCK / n));
        const parts: Tensor1D[] = [];
        for (let first = 0; first < n; first += rows) {
            const count = Math.min(rows, n - first);
            // Each block's temporaries go before the next block's are made.
            parts.push(tf.tidy(() => {
                const block = tf.slice(p, [first, 0], [count, -1]);
                const d = tf.sub(tf.add(tf.reshape(tf.slice(sq, [first], [count]), [-1, 1]), tf.reshape(sq, [1, -1])), tf.mul(tf.matMul(block, p, false, true), 2));
                // No point is its own nearest neighbour.
                const self = tf.mul(tf.oneHot(tf.range(first, first + count, 1, 'int32'), n), 1e9);
                return tf.argMin(tf.add(d, self), 1) as Tensor1D;
            }));
        }
        return parts.length === 1 ? parts[0] : (tf.concat(parts) as Tensor1D);
    });
}
