/**
 * The field's inverse-problem benchmarks, with their TRUE forward functions and priors, so
 * that data can be written (make-data.mjs) and answers judged (run.mjs) on the real thing,
 * never on the oracle alone.
 *
 * - sine: Ren, Padilla & Malof 2020, "Benchmarking deep inverse models over time, and the
 *   neural-adjoint method": y = sin(3 pi x1) + cos(3 pi x2), x uniform on [-1, 1]^2.
 * - arm: Ardizzone et al. 2019 / Kruse et al. 2021, "Benchmarking invertible architectures
 *   on inverse problems": a planar arm whose base slides vertically (x1, prismatic) with
 *   three revolute joints (x2..x4) and links 0.5, 0.5, 1; y = its end point (horizontal,
 *   vertical). Prior x ~ N(0, diag(0.25, 0.5, 0.5, 0.5)^2) (as in vislearn/inn_toy_data).
 * - ballistics: Kruse et al. 2021: a ball thrown from (x1, x2) at angle x3 with speed x4,
 *   with drag (g 9.81, k 0.25, m 0.2); y = where it lands. Prior: x1 ~ N(0, 0.5),
 *   x2 ~ N(1.5, 0.5) clipped at 0, x3 ~ U(0.05 pi, 0.45 pi), x4 ~ Poisson(15).
 */
import { mulberry32 } from '../../examples/seeded-random.mjs';

/** A seeded source of uniform, normal and Poisson draws. */
export function randomSource(seed) {
    const uniform = mulberry32(seed);
    let spare = null;
    const normal = () => {
        if (spare !== null) {
            const s = spare;
            spare = null;
            return s;
        }
        // Box-Muller; 1 - u keeps log away from 0.
        const r = Math.sqrt(-2 * Math.log(1 - uniform()));
        const a = 2 * Math.PI * uniform();
        spare = r * Math.sin(a);
        return r * Math.cos(a);
    };
    const poisson = (mean) => {
        // Knuth: fine for a mean of 15.
        const limit = Math.exp(-mean);
        let k = 0;
        let p = uniform();
        while (p > limit) {
            k++;
            p *= uniform();
        }
        return k;
    };
    return { uniform, normal, poisson };
}

function sine(x) {
    return [Math.sin(3 * Math.PI * x[0]) + Math.cos(3 * Math.PI * x[1])];
}

const LINKS = [0.5, 0.5, 1];
function arm(x) {
    let px = 0;
    let py = x[0];
    let angle = 0;
    for (let j = 0; j < 3; j++) {
        angle += x[j + 1];
        px += LINKS[j] * Math.cos(angle);
        py += LINKS[j] * Math.sin(angle);
    }
    return [px, py];
}

const G = 9.81;
const K = 0.25;
const M = 0.2;
/**
 * Where the ball lands: x(t) at the t > 0 where y(t) = 0, with linear drag (closed-form
 * trajectory; the root by bisection after the peak, as the trajectory falls from there).
 */
function ballistics(x) {
    const [x0, y0, angle, v0] = x;
    const vx = v0 * Math.cos(angle);
    const vy = v0 * Math.sin(angle);
    const e = (t) => Math.exp((-K * t) / M) - 1;
    const xt = (t) => x0 - ((vx * M) / K) * e(t);
    const yt = (t) => y0 - (M / (K * K)) * ((G * M + vy * K) * e(t) + G * t * K);
    // Peak: dy/dt = 0 at t = (m/k) ln(1 + vy k / (g m)) (for vy > 0).
    let lo = vy > 0 ? (M / K) * Math.log(1 + (vy * K) / (G * M)) : 0;
    if (yt(lo) < 0) return [NaN];
    let hi = lo + 1;
    while (yt(hi) > 0) {
        hi *= 2;
        if (hi > 1e4) return [NaN];
    }
    for (let i = 0; i < 80; i++) {
        const mid = (lo + hi) / 2;
        if (yt(mid) > 0) lo = mid;
        else hi = mid;
    }
    return [xt((lo + hi) / 2)];
}

export const PROBLEMS = {
    sine: {
        inputs: ['x1', 'x2'],
        outputs: ['y'],
        forward: sine,
        sample: (r) => [2 * r.uniform() - 1, 2 * r.uniform() - 1],
    },
    arm: {
        inputs: ['x1', 'x2', 'x3', 'x4'],
        outputs: ['y1', 'y2'],
        forward: arm,
        sample: (r) => [0.25 * r.normal(), 0.5 * r.normal(), 0.5 * r.normal(), 0.5 * r.normal()],
    },
    ballistics: {
        inputs: ['x1', 'x2', 'x3', 'x4'],
        outputs: ['y'],
        forward: ballistics,
        sample: (r) => [0.5 * r.normal(), Math.max(0, 1.5 + 0.5 * r.normal()), Math.PI * (0.05 + 0.4 * r.uniform()), r.poisson(15)],
    },
};
