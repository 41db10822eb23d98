/**
 * The fused dense-network kernel (AssemblyScript, compiled to WebAssembly SIMD128 by
 * `npm run build`: esbuild.mjs runs asc). One exported call does a whole optimisation
 * step: the generator's forward pass (or the adjoint's raw values), the feature
 * transforms (box sigmoid, linear, constraint functions as byte code), the splice of fixed
 * features, the frozen oracle's forward pass, the loss of every target kind, the backward
 * pass through the oracle to the generator's weights, and Adam. Another does a whole epoch of
 * oracle training. Nothing is allocated here: the JavaScript side (../kernel.ts) lays out
 * every buffer and descriptor once and passes pointers.
 *
 * Layout. Activations are feature-major: a layer's values for a block of solutions are
 * [units x columns], one row per unit, so the vectorised dimension is always the solutions
 * (padded to a multiple of 8), whatever the layer widths (1, 4 or 100,000). Weights keep
 * TF.js's layout, kernel [in x out] row-major, with `out` padded to a multiple of 4 (the
 * pad columns and biases stay zero: their gradients are zero). The matrix products are
 * register-blocked: 4 units x 8 solutions (8 f32x4 accumulators) for the forward pass and
 * the input gradients, 2 inputs x 4 units for the weight gradients (reduced over solutions).
 * Large runs go through in blocks of columns (the plan's `block`), so the activations
 * take the same memory for 256 or 65,536 solutions.
 *
 * Descriptors are little structs of i32/f32 words written by the JavaScript side; their
 * offsets are the constants below (mirrored in ../kernel-layout.ts).
 */

// ------------------------------------------------------------------------------ layouts

// A layer (LAYER_BYTES each, after a net's 16-byte header [layers, _, _, _]).
const L_IN = 0;
const L_OUT = 4;
const L_PAD = 8;
const L_ACT = 12;
const L_W = 16;
const L_B = 20;
const L_Z = 24;
const L_A = 28;
const L_DZ = 32;
const L_DW = 36;
const L_DB = 40;
const L_MW = 44;
const L_VW = 48;
const L_MB = 52;
const L_VB = 56;
const LAYER_BYTES = 64;
const NET_HEADER = 16;

// Activations.
const ACT_LINEAR = 0;
const ACT_RELU = 1;
const ACT_TANH = 2;
const ACT_SIGMOID = 3;
const ACT_ELU = 4;
const ACT_SELU = 5;
const ACT_SWISH = 6;
const ACT_SOFTMAX = 7;

// A run's plan (P_* byte offsets).
const P_MODE = 0; // 0 generator, 1 raw values (adjoint, refine)
const P_N = 4; // solutions
const P_NPAD = 8; // solutions padded to 8: the row stride of every per-solution array
const P_BLOCK = 12; // columns per block (multiple of 8)
const P_GEN = 16; // generator net (mode 0)
const P_GEN_IN = 20; // generator input [genIn x npad]
const P_ORACLE = 24; // oracle net
const P_FREE = 28; // free features
const P_INPUTS = 32; // oracle inputs
const P_OUTPUTS = 36; // oracle outputs
const P_FEATURES = 40; // feature table (FEATURE_BYTES each)
const P_FIXED = 44; // [inputs] fixed values (0 at free columns)
const P_TARGETS = 48; // target table (TARGET_BYTES each)
const P_TARGET_COUNT = 52;
const P_ASSIGNED = 56; // [npad] per-solution targets (kind ASSIGNED)
const P_SPREAD = 60; // [free x npad] additive gradient w.r.t. the features, or 0
const P_RAW = 64; // [free x npad] u, written by every forward pass
const P_X = 68; // [free x npad] features in user units
const P_Y = 72; // [outputs x npad] standardised oracle outputs
const P_V = 76; // mode 1: [free x npad] the variables (u = scale * v), with Adam's m, v
const P_VM = 80;
const P_VV = 84;
const P_DV = 88;
const P_VSCALE = 92; // f32
const P_U_BLOCK = 96; // [free x block] scratch: u, dx/du, oracle input, gradients
const P_DXDU = 100;
const P_OIN = 104; // [inputs x block]
const P_DOIN = 108; // [inputs x block]
const P_DY = 112; // [outputs x block]
const P_HEALTH = 116; // [1 + free + outputs] f32 sums (divergence probe)
const P_LOSS = 120; // f32: the accuracy loss of the last step
const P_STACK = 124; // byte-code stack scratch (2 x 256 f32)
const P_GEN_LAYERS_IN = 128; // generator input rows

// A feature (FEATURE_BYTES each): how u becomes x.
const F_COLUMN = 0;
const F_KIND = 4; // 0 box, 1 linear (none), 2 constraint
const F_A = 8; // box: origin; linear/constraint: centre
const F_B = 12; // box: width; linear/constraint: scale
const F_CODE = 16; // constraint byte code (i32 words)
const FEATURE_BYTES = 32;

// A target (TARGET_BYTES each).
const T_COLUMN = 0;
const T_KIND = 4; // 0 equal, 1 range, 2 atLeast, 3 atMost, 4 maximize, 5 minimize, 6 assigned
const T_LO = 8;
const T_HI = 12;
const TARGET_BYTES = 16;

// Oracle training (R_* byte offsets).
const R_NET = 0;
const R_X = 4; // [rows x inputs] row-major, standardised
const R_Y = 8; // [rows x outputs] row-major: standardised outputs, or one-hot labels
const R_ROWS = 12;
const R_ORDER = 16; // i32 [rows]: this epoch's shuffled order
const R_BATCH = 20;
const R_LR = 24; // f32 [batches]: the learning rate of each batch
const R_LOSSES = 28; // f32 [batches] out
const R_CLASSIFIER = 32;
const R_XB = 36; // [inputs x batchPad]
const R_YB = 40; // [outputs x batchPad]
const R_DYB = 44; // [outputs x batchPad]
const R_T = 48; // Adam's step count (updated)
const R_BATCHES = 52; // batches in this call
const R_FIRST = 56; // index of the first batch of this call within the epoch

const BETA1: f32 = 0.9;
const BETA2: f32 = 0.999;
const ONE_MINUS_BETA1: f32 = 0.1;
const ONE_MINUS_BETA2: f32 = 0.001;
const ADAM_EPSILON: f32 = 1e-7;
const SELU_SCALE: f32 = 1.0507009873554805;
const SELU_SCALE_ALPHA: f32 = 1.7580993408473768;

@inline function i32At(p: usize, offset: usize): i32 {
    return load<i32>(p + offset);
}
@inline function ptrAt(p: usize, offset: usize): usize {
    return <usize>load<u32>(p + offset);
}
@inline function f32At(p: usize, offset: usize): f32 {
    return load<f32>(p + offset);
}
@inline function layerAt(net: usize, l: i32): usize {
    return net + NET_HEADER + <usize>l * LAYER_BYTES;
}

// ------------------------------------------------------------------------------ vector maths

/** e^x per lane (Cephes expf: Cody-Waite reduction, degree-6 polynomial; about 1 ulp). */
@inline function vexp(x0: v128): v128 {
    const x = f32x4.min(f32x4.max(x0, f32x4.splat(-87.0)), f32x4.splat(88.0));
    const fx = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504088896341)));
    let r = f32x4.sub(x, f32x4.mul(fx, f32x4.splat(0.693359375)));
    r = f32x4.sub(r, f32x4.mul(fx, f32x4.splat(-2.12194440e-4)));
    let y = f32x4.splat(1.9875691500e-4);
    y = f32x4.add(f32x4.mul(y, r), f32x4.splat(1.3981999507e-3));
    y = f32x4.add(f32x4.mul(y, r), f32x4.splat(8.3334519073e-3));
    y = f32x4.add(f32x4.mul(y, r), f32x4.splat(4.1665795894e-2));
    y = f32x4.add(f32x4.mul(y, r), f32x4.splat(1.6666665459e-1));
    y = f32x4.add(f32x4.mul(y, r), f32x4.splat(5.0000001201e-1));
    y = f32x4.add(f32x4.add(f32x4.mul(y, f32x4.mul(r, r)), r), f32x4.splat(1.0));
    const pow2n = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(fx), i32x4.splat(127)), 23);
    return f32x4.mul(y, pow2n);
}

@inline function vsigmoid(x: v128): v128 {
    const one = f32x4.splat(1.0);
    return f32x4.div(one, f32x4.add(one, vexp(f32x4.neg(x))));
}

/** tanh per lane: Eigen's rational approximation (within 4e-7 relative, exact near 0). */
@inline function vtanh(x0: v128): v128 {
    const x = f32x4.min(f32x4.max(x0, f32x4.splat(-7.90531110763549805)), f32x4.splat(7.90531110763549805));
    const x2 = f32x4.mul(x, x);
    let p = f32x4.splat(-2.76076847742355e-16);
    p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(2.00018790482477e-13));
    p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(-8.60467152213735e-11));
    p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(5.12229709037114e-8));
    p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(1.48572235717979e-5));
    p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(6.37261928875436e-4));
    p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(4.89352455891786e-3));
    p = f32x4.mul(p, x);
    let q = f32x4.splat(1.19825839466702e-6);
    q = f32x4.add(f32x4.mul(q, x2), f32x4.splat(1.18534705686654e-4));
    q = f32x4.add(f32x4.mul(q, x2), f32x4.splat(2.26843463243900e-3));
    q = f32x4.add(f32x4.mul(q, x2), f32x4.splat(4.89352518554385e-3));
    const tiny = f32x4.lt(f32x4.abs(x0), f32x4.splat(0.0004));
    return v128.bitselect(x0, f32x4.div(p, q), tiny);
}

/** Activation of `count` floats (a multiple of 4) from z into a. */
function activate(act: i32, z: usize, a: usize, count: i32): void {
    const zero = f32x4.splat(0);
    const one = f32x4.splat(1);
    for (let i = 0; i < count; i += 4) {
        const p = <usize>i << 2;
        const v = v128.load(z + p);
        let r: v128;
        switch (act) {
            case ACT_RELU:
                r = f32x4.max(v, zero);
                break;
            case ACT_TANH:
                r = vtanh(v);
                break;
            case ACT_SIGMOID:
                r = vsigmoid(v);
                break;
            case ACT_ELU:
                r = v128.bitselect(f32x4.sub(vexp(v), one), v, f32x4.lt(v, zero));
                break;
            case ACT_SELU:
                r = v128.bitselect(f32x4.mul(f32x4.sub(vexp(v), one), f32x4.splat(SELU_SCALE_ALPHA)), f32x4.mul(v, f32x4.splat(SELU_SCALE)), f32x4.lt(v, zero));
                break;
            case ACT_SWISH:
                r = f32x4.mul(v, vsigmoid(v));
                break;
            default:
                r = v;
        }
        v128.store(a + p, r);
    }
}

/** dz = da * act'(z) for `count` floats; softmax is done column-wise elsewhere. */
function activationGradient(act: i32, z: usize, a: usize, da: usize, dz: usize, count: i32): void {
    const zero = f32x4.splat(0);
    const one = f32x4.splat(1);
    for (let i = 0; i < count; i += 4) {
        const p = <usize>i << 2;
        const g = v128.load(da + p);
        let r: v128;
        switch (act) {
            case ACT_RELU:
                r = v128.and(g, f32x4.gt(v128.load(z + p), zero));
                break;
            case ACT_TANH: {
                const y = v128.load(a + p);
                r = f32x4.mul(g, f32x4.sub(one, f32x4.mul(y, y)));
                break;
            }
            case ACT_SIGMOID: {
                const y = v128.load(a + p);
                r = f32x4.mul(f32x4.mul(g, y), f32x4.sub(one, y));
                break;
            }
            case ACT_ELU: {
                const y = v128.load(a + p);
                r = v128.bitselect(f32x4.mul(g, f32x4.add(y, one)), g, f32x4.lt(y, zero));
                break;
            }
            case ACT_SELU: {
                const x = v128.load(z + p);
                r = v128.bitselect(f32x4.mul(g, f32x4.mul(vexp(x), f32x4.splat(SELU_SCALE_ALPHA))), f32x4.mul(g, f32x4.splat(SELU_SCALE)), f32x4.lt(x, zero));
                break;
            }
            case ACT_SWISH: {
                // d(t * s(t)) = g s + (g t) s (1 - s), as TF.js's tape gives it.
                const x = v128.load(z + p);
                const s = vsigmoid(x);
                r = f32x4.add(f32x4.mul(g, s), f32x4.mul(f32x4.mul(f32x4.mul(g, x), s), f32x4.sub(one, s)));
                break;
            }
            default:
                r = g;
        }
        v128.store(dz + p, r);
    }
}

/** Softmax over the rows (units) of each column: a [units x cols] (stride ld), in place from z. */
function softmaxColumns(z: usize, a: usize, units: i32, ld: i32, cols: i32): void {
    const row = <usize>ld << 2;
    for (let n = 0; n < cols; n += 4) {
        const c = <usize>n << 2;
        let m = v128.load(z + c);
        for (let j = 1; j < units; j++) m = f32x4.max(m, v128.load(z + <usize>j * row + c));
        let s = f32x4.splat(0);
        for (let j = 0; j < units; j++) {
            const e = vexp(f32x4.sub(v128.load(z + <usize>j * row + c), m));
            v128.store(a + <usize>j * row + c, e);
            s = f32x4.add(s, e);
        }
        for (let j = 0; j < units; j++) v128.store(a + <usize>j * row + c, f32x4.div(v128.load(a + <usize>j * row + c), s));
    }
}

/** dz = y * (da - sum_j da_j y_j) per column (softmax's gradient). */
function softmaxGradient(a: usize, da: usize, dz: usize, units: i32, ld: i32, cols: i32): void {
    const row = <usize>ld << 2;
    for (let n = 0; n < cols; n += 4) {
        const c = <usize>n << 2;
        let s = f32x4.splat(0);
        for (let j = 0; j < units; j++) s = f32x4.add(s, f32x4.mul(v128.load(da + <usize>j * row + c), v128.load(a + <usize>j * row + c)));
        for (let j = 0; j < units; j++) {
            const y = v128.load(a + <usize>j * row + c);
            v128.store(dz + <usize>j * row + c, f32x4.mul(y, f32x4.sub(v128.load(da + <usize>j * row + c), s)));
        }
    }
}

// ------------------------------------------------------------------------------ matrix products

/**
 * z[m, n] = sum_k w[k, m] x[k, n] + b[m]: w [K x M] (M a multiple of 4, the row stride),
 * x [K x cols] with row stride ldx, z [M x cols] with row stride ldz; cols a multiple of 8.
 */
function forwardProduct(x: usize, ldx: i32, K: i32, w: usize, M: i32, b: usize, z: usize, ldz: i32, cols: i32): void {
    const xRow = <usize>ldx << 2;
    const wRow = <usize>M << 2;
    const zRow = <usize>ldz << 2;
    // Columns outer: the block of x they read ([K x 8]) stays in L1 while every unit uses it.
    for (let n0 = 0; n0 < cols; n0 += 8) {
        for (let m0 = 0; m0 < M; m0 += 4) {
            const bias = v128.load(b + (<usize>m0 << 2));
            const b0 = v128.shuffle<f32>(bias, bias, 0, 0, 0, 0);
            const b1 = v128.shuffle<f32>(bias, bias, 1, 1, 1, 1);
            const b2 = v128.shuffle<f32>(bias, bias, 2, 2, 2, 2);
            const b3 = v128.shuffle<f32>(bias, bias, 3, 3, 3, 3);
            const zp = z + <usize>m0 * zRow;
            let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a10 = f32x4.splat(0), a11 = f32x4.splat(0);
            let a20 = f32x4.splat(0), a21 = f32x4.splat(0), a30 = f32x4.splat(0), a31 = f32x4.splat(0);
            let wp = w + (<usize>m0 << 2);
            let xp = x + (<usize>n0 << 2);
            for (let k = 0; k < K; k++) {
                // Broadcast loads (one load each, no shuffle) of w[k, m0..m0+3].
                const x0 = v128.load(xp);
                const x1 = v128.load(xp, 16);
                let s = v128.load32_splat(wp);
                a00 = f32x4.add(a00, f32x4.mul(s, x0));
                a01 = f32x4.add(a01, f32x4.mul(s, x1));
                s = v128.load32_splat(wp, 4);
                a10 = f32x4.add(a10, f32x4.mul(s, x0));
                a11 = f32x4.add(a11, f32x4.mul(s, x1));
                s = v128.load32_splat(wp, 8);
                a20 = f32x4.add(a20, f32x4.mul(s, x0));
                a21 = f32x4.add(a21, f32x4.mul(s, x1));
                s = v128.load32_splat(wp, 12);
                a30 = f32x4.add(a30, f32x4.mul(s, x0));
                a31 = f32x4.add(a31, f32x4.mul(s, x1));
                wp += wRow;
                xp += xRow;
            }
            const o = zp + (<usize>n0 << 2);
            v128.store(o, f32x4.add(a00, b0));
            v128.store(o, f32x4.add(a01, b0), 16);
            v128.store(o + zRow, f32x4.add(a10, b1));
            v128.store(o + zRow, f32x4.add(a11, b1), 16);
            v128.store(o + 2 * zRow, f32x4.add(a20, b2));
            v128.store(o + 2 * zRow, f32x4.add(a21, b2), 16);
            v128.store(o + 3 * zRow, f32x4.add(a30, b3));
            v128.store(o + 3 * zRow, f32x4.add(a31, b3), 16);
        }
    }
}

/**
 * dx[k, n] = sum_{m < M} w[k, m] dz[m, n] for k < K: w [K x ldw], dz [M x cols] (stride lddz),
 * dx [K x cols] (stride lddx).
 */
function inputGradient(w: usize, ldw: i32, M: i32, K: i32, dz: usize, lddz: i32, dx: usize, lddx: i32, cols: i32): void {
    const wRow = <usize>ldw << 2;
    const dzRow = <usize>lddz << 2;
    const dxRow = <usize>lddx << 2;
    // Columns outer: the block of dz they read ([M x 8]) stays in L1 while every row uses it.
    for (let n0 = 0; n0 < cols; n0 += 8) {
        const g0p = dz + (<usize>n0 << 2);
        let k0 = 0;
        for (; k0 + 4 <= K; k0 += 4) {
            let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a10 = f32x4.splat(0), a11 = f32x4.splat(0);
            let a20 = f32x4.splat(0), a21 = f32x4.splat(0), a30 = f32x4.splat(0), a31 = f32x4.splat(0);
            let wp = w + <usize>k0 * wRow;
            let gp = g0p;
            for (let m = 0; m < M; m++) {
                const g0 = v128.load(gp);
                const g1 = v128.load(gp, 16);
                let s = v128.load32_splat(wp);
                a00 = f32x4.add(a00, f32x4.mul(s, g0));
                a01 = f32x4.add(a01, f32x4.mul(s, g1));
                s = v128.load32_splat(wp + wRow);
                a10 = f32x4.add(a10, f32x4.mul(s, g0));
                a11 = f32x4.add(a11, f32x4.mul(s, g1));
                s = v128.load32_splat(wp + 2 * wRow);
                a20 = f32x4.add(a20, f32x4.mul(s, g0));
                a21 = f32x4.add(a21, f32x4.mul(s, g1));
                s = v128.load32_splat(wp + 3 * wRow);
                a30 = f32x4.add(a30, f32x4.mul(s, g0));
                a31 = f32x4.add(a31, f32x4.mul(s, g1));
                wp += 4;
                gp += dzRow;
            }
            const o = dx + <usize>k0 * dxRow + (<usize>n0 << 2);
            v128.store(o, a00);
            v128.store(o, a01, 16);
            v128.store(o + dxRow, a10);
            v128.store(o + dxRow, a11, 16);
            v128.store(o + 2 * dxRow, a20);
            v128.store(o + 2 * dxRow, a21, 16);
            v128.store(o + 3 * dxRow, a30);
            v128.store(o + 3 * dxRow, a31, 16);
        }
        for (; k0 < K; k0++) {
            let a0 = f32x4.splat(0), a1 = f32x4.splat(0);
            let wp = w + <usize>k0 * wRow;
            let gp = g0p;
            for (let m = 0; m < M; m++) {
                const s = v128.load32_splat(wp);
                a0 = f32x4.add(a0, f32x4.mul(s, v128.load(gp)));
                a1 = f32x4.add(a1, f32x4.mul(s, v128.load(gp, 16)));
                wp += 4;
                gp += dzRow;
            }
            const o = dx + <usize>k0 * dxRow + (<usize>n0 << 2);
            v128.store(o, a0);
            v128.store(o, a1, 16);
        }
    }
}

@inline function hsum(v: v128): f32 {
    return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/**
 * dw[k, m] += sum_n x[k, n] dz[m, n] for k < K, m < M (a multiple of 4, dw's row stride);
 * db[m] += sum_n dz[m, n]. x [K x cols] (stride ldx), dz [M x cols] (stride lddz).
 */
function weightGradient(x: usize, ldx: i32, K: i32, dz: usize, lddz: i32, M: i32, dw: usize, db: usize, cols: i32): void {
    const xRow = <usize>ldx << 2;
    const dzRow = <usize>lddz << 2;
    const dwRow = <usize>M << 2;
    for (let m0 = 0; m0 < M; m0 += 4) {
        const g0p = dz + <usize>m0 * dzRow;
        // Biases.
        let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
        for (let n = 0; n < cols; n += 4) {
            const c = <usize>n << 2;
            s0 = f32x4.add(s0, v128.load(g0p + c));
            s1 = f32x4.add(s1, v128.load(g0p + dzRow + c));
            s2 = f32x4.add(s2, v128.load(g0p + 2 * dzRow + c));
            s3 = f32x4.add(s3, v128.load(g0p + 3 * dzRow + c));
        }
        const bp = db + (<usize>m0 << 2);
        store<f32>(bp, load<f32>(bp) + hsum(s0));
        store<f32>(bp, load<f32>(bp, 4) + hsum(s1), 4);
        store<f32>(bp, load<f32>(bp, 8) + hsum(s2), 8);
        store<f32>(bp, load<f32>(bp, 12) + hsum(s3), 12);
        let k0 = 0;
        for (; k0 + 2 <= K; k0 += 2) {
            const x0p = x + <usize>k0 * xRow;
            let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a02 = f32x4.splat(0), a03 = f32x4.splat(0);
            let a10 = f32x4.splat(0), a11 = f32x4.splat(0), a12 = f32x4.splat(0), a13 = f32x4.splat(0);
            for (let n = 0; n < cols; n += 4) {
                const c = <usize>n << 2;
                const x0 = v128.load(x0p + c);
                const x1 = v128.load(x0p + xRow + c);
                const g0 = v128.load(g0p + c);
                const g1 = v128.load(g0p + dzRow + c);
                const g2 = v128.load(g0p + 2 * dzRow + c);
                const g3 = v128.load(g0p + 3 * dzRow + c);
                a00 = f32x4.add(a00, f32x4.mul(x0, g0));
                a01 = f32x4.add(a01, f32x4.mul(x0, g1));
                a02 = f32x4.add(a02, f32x4.mul(x0, g2));
                a03 = f32x4.add(a03, f32x4.mul(x0, g3));
                a10 = f32x4.add(a10, f32x4.mul(x1, g0));
                a11 = f32x4.add(a11, f32x4.mul(x1, g1));
                a12 = f32x4.add(a12, f32x4.mul(x1, g2));
                a13 = f32x4.add(a13, f32x4.mul(x1, g3));
            }
            const o0 = dw + <usize>k0 * dwRow + (<usize>m0 << 2);
            const o1 = o0 + dwRow;
            v128.store(o0, f32x4.add(v128.load(o0), f32x4.replace_lane(f32x4.replace_lane(f32x4.replace_lane(f32x4.splat(hsum(a00)), 1, hsum(a01)), 2, hsum(a02)), 3, hsum(a03))));
            v128.store(o1, f32x4.add(v128.load(o1), f32x4.replace_lane(f32x4.replace_lane(f32x4.replace_lane(f32x4.splat(hsum(a10)), 1, hsum(a11)), 2, hsum(a12)), 3, hsum(a13))));
        }
        for (; k0 < K; k0++) {
            const x0p = x + <usize>k0 * xRow;
            let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a02 = f32x4.splat(0), a03 = f32x4.splat(0);
            for (let n = 0; n < cols; n += 4) {
                const c = <usize>n << 2;
                const x0 = v128.load(x0p + c);
                a00 = f32x4.add(a00, f32x4.mul(x0, v128.load(g0p + c)));
                a01 = f32x4.add(a01, f32x4.mul(x0, v128.load(g0p + dzRow + c)));
                a02 = f32x4.add(a02, f32x4.mul(x0, v128.load(g0p + 2 * dzRow + c)));
                a03 = f32x4.add(a03, f32x4.mul(x0, v128.load(g0p + 3 * dzRow + c)));
            }
            const o0 = dw + <usize>k0 * dwRow + (<usize>m0 << 2);
            v128.store(o0, f32x4.add(v128.load(o0), f32x4.replace_lane(f32x4.replace_lane(f32x4.replace_lane(f32x4.splat(hsum(a00)), 1, hsum(a01)), 2, hsum(a02)), 3, hsum(a03))));
        }
    }
}

// ------------------------------------------------------------------------------ nets

/** The net's forward pass over a block: input [net inputs x cols] with row stride ldx. */
function netForward(net: usize, x: usize, ldx: i32, block: i32, cols: i32): void {
    const layers = i32At(net, 0);
    let input = x;
    let ld = ldx;
    for (let l = 0; l < layers; l++) {
        const L = layerAt(net, l);
        const pad = i32At(L, L_PAD);
        const z = ptrAt(L, L_Z);
        const a = ptrAt(L, L_A);
        forwardProduct(input, ld, i32At(L, L_IN), ptrAt(L, L_W), pad, ptrAt(L, L_B), z, block, cols);
        const act = i32At(L, L_ACT);
        if (act == ACT_SOFTMAX) softmaxColumns(z, a, i32At(L, L_OUT), block, cols);
        else if (act != ACT_LINEAR) activate(act, z, a, pad * block);
        input = act == ACT_LINEAR ? z : a;
        ld = block;
    }
}

/** The output of a net's last forward pass. */
function netOutput(net: usize): usize {
    const L = layerAt(net, i32At(net, 0) - 1);
    return i32At(L, L_ACT) == ACT_LINEAR ? ptrAt(L, L_Z) : ptrAt(L, L_A);
}

/**
 * Backward pass from d(loss)/d(output) in `dy` [outputs x block]: with `weights`, the
 * gradients of every layer's kernel and bias are accumulated (+=); with `dx` != 0, the
 * gradient w.r.t. the net's input is written there [inputs x block].
 */
function netBackward(net: usize, x: usize, ldx: i32, dy: usize, dx: usize, weights: bool, block: i32, cols: i32): void {
    const layers = i32At(net, 0);
    let da = dy;
    for (let l = layers - 1; l >= 0; l--) {
        const L = layerAt(net, l);
        const act = i32At(L, L_ACT);
        const out = i32At(L, L_OUT);
        const pad = i32At(L, L_PAD);
        const dz = ptrAt(L, L_DZ);
        if (act == ACT_SOFTMAX) softmaxGradient(ptrAt(L, L_A), da, dz, out, block, cols);
        else activationGradient(act, ptrAt(L, L_Z), ptrAt(L, L_A), da, dz, out * block);
        let input: usize;
        let ld: i32;
        if (l == 0) {
            input = x;
            ld = ldx;
        } else {
            const P = layerAt(net, l - 1);
            input = i32At(P, L_ACT) == ACT_LINEAR ? ptrAt(P, L_Z) : ptrAt(P, L_A);
            ld = block;
        }
        if (weights) weightGradient(input, ld, i32At(L, L_IN), dz, block, pad, ptrAt(L, L_DW), ptrAt(L, L_DB), cols);
        if (l > 0) {
            // Written into the previous layer's dz buffer, then turned into its dz in place.
            const P = layerAt(net, l - 1);
            const into = ptrAt(P, L_DZ);
            inputGradient(ptrAt(L, L_W), pad, out, i32At(L, L_IN), dz, block, into, block, cols);
            da = into;
        } else if (dx != 0) {
            inputGradient(ptrAt(L, L_W), pad, out, i32At(L, L_IN), dz, block, dx, block, cols);
        }
    }
}

function zeroGradients(net: usize): void {
    const layers = i32At(net, 0);
    for (let l = 0; l < layers; l++) {
        const L = layerAt(net, l);
        const pad = i32At(L, L_PAD);
        memory.fill(ptrAt(L, L_DW), 0, <usize>(i32At(L, L_IN) * pad) << 2);
        memory.fill(ptrAt(L, L_DB), 0, <usize>pad << 2);
    }
}

/** p -= step * m / (sqrt(v) + eps) after the moment updates, over `count` floats (a multiple of 4). */
function adam(p: usize, g: usize, m: usize, v: usize, count: i32, step: f32): void {
    const b1 = f32x4.splat(BETA1);
    const b2 = f32x4.splat(BETA2);
    const c1 = f32x4.splat(ONE_MINUS_BETA1);
    const c2 = f32x4.splat(ONE_MINUS_BETA2);
    const eps = f32x4.splat(ADAM_EPSILON);
    const s = f32x4.splat(step);
    for (let i = 0; i < count; i += 4) {
        const o = <usize>i << 2;
        const gi = v128.load(g + o);
        const mi = f32x4.add(f32x4.mul(v128.load(m + o), b1), f32x4.mul(gi, c1));
        const vi = f32x4.add(f32x4.mul(v128.load(v + o), b2), f32x4.mul(f32x4.mul(gi, gi), c2));
        v128.store(m + o, mi);
        v128.store(v + o, vi);
        v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.div(f32x4.mul(mi, s), f32x4.add(f32x4.sqrt(vi), eps))));
    }
}

function adamNet(net: usize, step: f32): void {
    const layers = i32At(net, 0);
    for (let l = 0; l < layers; l++) {
        const L = layerAt(net, l);
        const pad = i32At(L, L_PAD);
        adam(ptrAt(L, L_W), ptrAt(L, L_DW), ptrAt(L, L_MW), ptrAt(L, L_VW), i32At(L, L_IN) * pad, step);
        adam(ptrAt(L, L_B), ptrAt(L, L_DB), ptrAt(L, L_MB), ptrAt(L, L_VB), pad, step);
    }
}

// ------------------------------------------------------------------------------ constraint byte code

// Opcodes (mirrored in ../constraint-code.ts). Values and slopes (forward-mode derivative
// w.r.t. x) are evaluated together on a stack of (value, slope) pairs.
const OP_X = 1;
const OP_CONST = 2; // followed by an f32 word
const OP_NEG = 3;
const OP_ADD = 4;
const OP_SUB = 5;
const OP_MUL = 6;
const OP_DIV = 7;
const OP_POW = 8;
const OP_EXP = 9;
const OP_LOG = 10;
const OP_SQRT = 11;
const OP_ABS = 12;
const OP_TANH = 13;
const OP_SIGMOID = 14;
const OP_MIN = 15;
const OP_MAX = 16;
const STACK_SLOTS = 256;

/** Evaluates the expression of `len` words at `code`; leaves (value, slope) in the stack's slot 0. */
function evalExpr(code: usize, len: i32, x: f32, stack: usize): void {
    const slopes = stack + (STACK_SLOTS << 2);
    let top = 0; // number of entries
    let pc = 0;
    while (pc < len) {
        const op = load<i32>(code + (<usize>pc << 2));
        pc++;
        if (op == OP_X) {
            store<f32>(stack + (<usize>top << 2), x);
            store<f32>(slopes + (<usize>top << 2), 1);
            top++;
            continue;
        }
        if (op == OP_CONST) {
            store<f32>(stack + (<usize>top << 2), load<f32>(code + (<usize>pc << 2)));
            store<f32>(slopes + (<usize>top << 2), 0);
            pc++;
            top++;
            continue;
        }
        const bp = stack + (<usize>(top - 1) << 2);
        const bs = slopes + (<usize>(top - 1) << 2);
        const b = load<f32>(bp);
        const db = load<f32>(bs);
        if (op >= OP_EXP && op <= OP_SIGMOID || op == OP_NEG) {
            let v: f32;
            let d: f32;
            switch (op) {
                case OP_NEG:
                    v = -b;
                    d = -db;
                    break;
                case OP_EXP:
                    v = Mathf.exp(b);
                    d = db * v;
                    break;
                case OP_LOG:
                    v = Mathf.log(b);
                    d = db / b;
                    break;
                case OP_SQRT:
                    v = Mathf.sqrt(b);
                    d = db / (v * 2);
                    break;
                case OP_ABS:
                    v = Mathf.abs(b);
                    d = b > 0 ? db : b < 0 ? -db : 0;
                    break;
                case OP_TANH:
                    v = Mathf.tanh(b);
                    d = db * (1 - v * v);
                    break;
                default: {
                    v = 1 / (1 + Mathf.exp(-b));
                    d = db * v * (1 - v);
                }
            }
            store<f32>(bp, v);
            store<f32>(bs, d);
            continue;
        }
        // Binary: a is below b.
        const ap = bp - 4;
        const as = bs - 4;
        const a = load<f32>(ap);
        const da = load<f32>(as);
        let v: f32;
        let d: f32;
        switch (op) {
            case OP_ADD:
                v = a + b;
                d = da + db;
                break;
            case OP_SUB:
                v = a - b;
                d = da - db;
                break;
            case OP_MUL:
                v = a * b;
                d = da * b + a * db;
                break;
            case OP_DIV:
                v = a / b;
                d = da / b - (db * a) / (b * b);
                break;
            case OP_POW: {
                // TF.js's pow gradient: b a^(b-1) da, and a^b log(a) db where a > 0 (else 0).
                v = Mathf.pow(a, b);
                d = da * b * Mathf.pow(a, b - 1);
                if (db != 0) d += a > 0 ? db * v * Mathf.log(a) : 0;
                break;
            }
            case OP_MIN:
                v = a <= b ? a : b;
                d = a <= b ? da : db;
                break;
            default:
                v = a >= b ? a : b;
                d = a >= b ? da : db;
        }
        store<f32>(ap, v);
        store<f32>(as, d);
        top--;
    }
}

/**
 * A constraint applied to x: (value, slope) in the stack's slot 0. Code: [pieces,
 * hasOtherwise, then per piece: comparisons, per comparison: op (0 <, 1 <=, 2 >, 3 >=),
 * left length, left, right length, right; value length, value; then the otherwise's
 * length and code]. The first piece whose comparisons all hold applies; else the
 * otherwise, or x unchanged.
 */
function applyConstraint(code: usize, x: f32, stack: usize): void {
    const pieces = load<i32>(code);
    let pc: usize = 8;
    for (let p = 0; p < pieces; p++) {
        const comparisons = load<i32>(code + pc);
        pc += 4;
        let holds = true;
        for (let c = 0; c < comparisons; c++) {
            const op = load<i32>(code + pc);
            const leftLen = load<i32>(code + pc + 4);
            pc += 8;
            if (holds) evalExpr(code + pc, leftLen, x, stack);
            const left = load<f32>(stack);
            pc += <usize>leftLen << 2;
            const rightLen = load<i32>(code + pc);
            pc += 4;
            if (holds) evalExpr(code + pc, rightLen, x, stack);
            const right = load<f32>(stack);
            pc += <usize>rightLen << 2;
            if (holds) {
                const d = left - right;
                holds = op == 0 ? d < 0 : op == 1 ? d <= 0 : op == 2 ? d > 0 : d >= 0;
            }
        }
        const valueLen = load<i32>(code + pc);
        pc += 4;
        if (holds) {
            evalExpr(code + pc, valueLen, x, stack);
            return;
        }
        pc += <usize>valueLen << 2;
    }
    if (load<i32>(code, 4) != 0) {
        const len = load<i32>(code + pc);
        evalExpr(code + pc + 4, len, x, stack);
        return;
    }
    store<f32>(stack, x);
    store<f32>(stack + (STACK_SLOTS << 2), 1);
}

// ------------------------------------------------------------------------------ inversion steps

/** u -> x (and dx/du) for the block's columns; u, x, dxdu [free x block]. */
function transformFeatures(plan: usize, u: usize, x: usize, dxdu: usize, block: i32, cols: i32): void {
    const free = i32At(plan, P_FREE);
    const features = ptrAt(plan, P_FEATURES);
    const stack = ptrAt(plan, P_STACK);
    const one = f32x4.splat(1);
    for (let f = 0; f < free; f++) {
        const F = features + <usize>f * FEATURE_BYTES;
        const kind = i32At(F, F_KIND);
        const A = f32At(F, F_A);
        const B = f32At(F, F_B);
        const row = <usize>(f * block) << 2;
        if (kind == 0) {
            const o = f32x4.splat(A);
            const w = f32x4.splat(B);
            for (let n = 0; n < cols; n += 4) {
                const c = row + (<usize>n << 2);
                const s = vsigmoid(v128.load(u + c));
                v128.store(x + c, f32x4.add(o, f32x4.mul(w, s)));
                v128.store(dxdu + c, f32x4.mul(w, f32x4.mul(s, f32x4.sub(one, s))));
            }
        } else if (kind == 1) {
            for (let n = 0; n < cols; n++) {
                const c = row + (<usize>n << 2);
                store<f32>(x + c, A + B * load<f32>(u + c));
                store<f32>(dxdu + c, B);
            }
        } else {
            const code = ptrAt(F, F_CODE);
            for (let n = 0; n < cols; n++) {
                const c = row + (<usize>n << 2);
                applyConstraint(code, A + B * load<f32>(u + c), stack);
                store<f32>(x + c, load<f32>(stack));
                store<f32>(dxdu + c, B * load<f32>(stack + (STACK_SLOTS << 2)));
            }
        }
    }
}

/** The oracle's input for the block: fixed values, and x at the free columns. */
function splice(plan: usize, x: usize, oin: usize, block: i32, cols: i32): void {
    const inputs = i32At(plan, P_INPUTS);
    const free = i32At(plan, P_FREE);
    const fixed = ptrAt(plan, P_FIXED);
    for (let i = 0; i < inputs; i++) {
        const v = f32x4.splat(load<f32>(fixed + (<usize>i << 2)));
        const row = oin + (<usize>(i * block) << 2);
        for (let n = 0; n < cols; n += 4) v128.store(row + (<usize>n << 2), v);
    }
    const features = ptrAt(plan, P_FEATURES);
    for (let f = 0; f < free; f++) {
        const column = i32At(features + <usize>f * FEATURE_BYTES, F_COLUMN);
        memory.copy(oin + (<usize>(column * block) << 2), x + (<usize>(f * block) << 2), <usize>cols << 2);
    }
}

/** Copies rows x [rows x cols] (stride ldFrom) into [rows x cols] (stride ldTo). */
function copyRows(from: usize, ldFrom: i32, to: usize, ldTo: i32, rows: i32, cols: i32): void {
    for (let r = 0; r < rows; r++) memory.copy(to + (<usize>(r * ldTo) << 2), from + (<usize>(r * ldFrom) << 2), <usize>cols << 2);
}

/**
 * The accuracy loss of the block's valid columns (summed, not yet averaged) and its
 * gradient w.r.t. the oracle's standardised outputs, scaled by 1/n, in dy [outputs x block].
 */
function targetLoss(plan: usize, y: usize, dy: usize, first: i32, valid: i32, block: i32, cols: i32): f64 {
    const outputs = i32At(plan, P_OUTPUTS);
    const n = i32At(plan, P_N);
    const inv: f32 = <f32>1 / <f32>n;
    memory.fill(dy, 0, <usize>(outputs * block) << 2);
    const targets = ptrAt(plan, P_TARGETS);
    const count = i32At(plan, P_TARGET_COUNT);
    const assigned = ptrAt(plan, P_ASSIGNED);
    let total: f64 = 0;
    for (let t = 0; t < count; t++) {
        const T = targets + <usize>t * TARGET_BYTES;
        const column = i32At(T, T_COLUMN);
        const kind = i32At(T, T_KIND);
        const lo = f32At(T, T_LO);
        const hi = f32At(T, T_HI);
        const yr = y + (<usize>(column * block) << 2);
        const gr = dy + (<usize>(column * block) << 2);
        for (let j = 0; j < valid; j++) {
            const v = load<f32>(yr + (<usize>j << 2));
            let loss: f32 = 0;
            let grad: f32 = 0;
            if (kind == 0 || kind == 6) {
                const goal = kind == 6 ? load<f32>(assigned + (<usize>(first + j) << 2)) : lo;
                const d = v - goal;
                loss = d * d;
                grad = 2 * d;
            } else if (kind == 4) {
                loss = -v;
                grad = -1;
            } else if (kind == 5) {
                loss = v;
                grad = 1;
            } else {
                if ((kind == 1 || kind == 2) && v < lo) {
                    const d = lo - v;
                    loss += d * d;
                    grad -= 2 * d;
                }
                if ((kind == 1 || kind == 3) && v > hi) {
                    const d = v - hi;
                    loss += d * d;
                    grad += 2 * d;
                }
            }
            total += <f64>loss;
            store<f32>(gr + (<usize>j << 2), grad * inv);
        }
    }
    return total;
}

/** Sums for the divergence probe: u, then x per feature, then y per output, over valid columns. */
function probe(plan: usize, u: usize, x: usize, y: usize, valid: i32, block: i32): void {
    const free = i32At(plan, P_FREE);
    const outputs = i32At(plan, P_OUTPUTS);
    const h = ptrAt(plan, P_HEALTH);
    for (let f = 0; f < free; f++) {
        let su: f32 = 0;
        let sx: f32 = 0;
        const ur = u + (<usize>(f * block) << 2);
        const xr = x + (<usize>(f * block) << 2);
        for (let j = 0; j < valid; j++) {
            su += load<f32>(ur + (<usize>j << 2));
            sx += load<f32>(xr + (<usize>j << 2));
        }
        store<f32>(h, load<f32>(h) + su);
        const hx = h + (<usize>(1 + f) << 2);
        store<f32>(hx, load<f32>(hx) + sx);
    }
    for (let o = 0; o < outputs; o++) {
        let s: f32 = 0;
        const yr = y + (<usize>(o * block) << 2);
        for (let j = 0; j < valid; j++) s += load<f32>(yr + (<usize>j << 2));
        const hy = h + (<usize>(1 + free + o) << 2);
        store<f32>(hy, load<f32>(hy) + s);
    }
}

/**
 * The raw values u of a block: the generator's output, or scale * v (mode 1). Returns
 * where they are ([free x block]).
 */
function rawBlock(plan: usize, first: i32, block: i32, cols: i32): usize {
    const npad = i32At(plan, P_NPAD);
    const free = i32At(plan, P_FREE);
    const u = ptrAt(plan, P_U_BLOCK);
    if (i32At(plan, P_MODE) == 0) {
        const gen = ptrAt(plan, P_GEN);
        netForward(gen, ptrAt(plan, P_GEN_IN) + (<usize>first << 2), npad, block, cols);
        copyRows(netOutput(gen), block, u, block, free, cols);
    } else {
        const v = ptrAt(plan, P_V) + (<usize>first << 2);
        const s = f32x4.splat(f32At(plan, P_VSCALE));
        for (let f = 0; f < free; f++) {
            const from = v + (<usize>(f * npad) << 2);
            const to = u + (<usize>(f * block) << 2);
            for (let n = 0; n < cols; n += 4) v128.store(to + (<usize>n << 2), f32x4.mul(v128.load(from + (<usize>n << 2)), s));
        }
    }
    return u;
}

/**
 * Forward pass of every block: u, x and y for all solutions into the plan's RAW, X and Y
 * arrays (what `state` reads), and nothing else.
 */
export function evaluate(plan: usize): void {
    const n = i32At(plan, P_N);
    const npad = i32At(plan, P_NPAD);
    const block = i32At(plan, P_BLOCK);
    const free = i32At(plan, P_FREE);
    const outputs = i32At(plan, P_OUTPUTS);
    const oracle = ptrAt(plan, P_ORACLE);
    const x = ptrAt(plan, P_X);
    const oin = ptrAt(plan, P_OIN);
    const dxdu = ptrAt(plan, P_DXDU);
    for (let first = 0; first < n; first += block) {
        const cols = min(block, npad - first);
        const u = rawBlock(plan, first, block, cols);
        const xb = ptrAt(plan, P_DOIN); // scratch: [free x block] fits in [inputs x block]
        transformFeatures(plan, u, xb, dxdu, block, cols);
        splice(plan, xb, oin, block, cols);
        netForward(oracle, oin, block, block, cols);
        copyRows(u, block, ptrAt(plan, P_RAW) + (<usize>first << 2), npad, free, cols);
        copyRows(xb, block, x + (<usize>first << 2), npad, free, cols);
        copyRows(netOutput(oracle), block, ptrAt(plan, P_Y) + (<usize>first << 2), npad, outputs, cols);
    }
}

/**
 * One optimisation step: forward, loss, backward and Adam with `step` (the learning rate
 * with Adam's bias correction folded in). Writes the loss before the step (P_LOSS), the
 * probe (P_HEALTH), and u, x, y before the step (P_RAW, P_X, P_Y).
 */
export function inversionStep(plan: usize, step: f32): void {
    const n = i32At(plan, P_N);
    const npad = i32At(plan, P_NPAD);
    const block = i32At(plan, P_BLOCK);
    const free = i32At(plan, P_FREE);
    const outputs = i32At(plan, P_OUTPUTS);
    const mode = i32At(plan, P_MODE);
    const oracle = ptrAt(plan, P_ORACLE);
    const gen = ptrAt(plan, P_GEN);
    const spread = ptrAt(plan, P_SPREAD);
    const oin = ptrAt(plan, P_OIN);
    const doin = ptrAt(plan, P_DOIN);
    const dy = ptrAt(plan, P_DY);
    const dxdu = ptrAt(plan, P_DXDU);
    const features = ptrAt(plan, P_FEATURES);
    memory.fill(ptrAt(plan, P_HEALTH), 0, <usize>(1 + free + outputs) << 2);
    if (mode == 0) zeroGradients(gen);
    let loss: f64 = 0;
    for (let first = 0; first < n; first += block) {
        const cols = min(block, npad - first);
        const valid = min(block, n - first);
        const u = rawBlock(plan, first, block, cols);
        const x = ptrAt(plan, P_X) + (<usize>first << 2);
        // x for the block, kept in the per-solution array (stride npad) and in the oracle's input.
        const xb = doin; // scratch until the oracle's backward pass
        transformFeatures(plan, u, xb, dxdu, block, cols);
        copyRows(u, block, ptrAt(plan, P_RAW) + (<usize>first << 2), npad, free, cols);
        copyRows(xb, block, x, npad, free, cols);
        splice(plan, xb, oin, block, cols);
        netForward(oracle, oin, block, block, cols);
        const y = netOutput(oracle);
        copyRows(y, block, ptrAt(plan, P_Y) + (<usize>first << 2), npad, outputs, cols);
        probe(plan, u, xb, y, valid, block);
        loss += targetLoss(plan, y, dy, first, valid, block, cols);
        netBackward(oracle, oin, block, dy, doin, false, block, cols);
        // du = (dx + spread) * dx/du, into the u buffer (u is no longer needed).
        for (let f = 0; f < free; f++) {
            const column = i32At(features + <usize>f * FEATURE_BYTES, F_COLUMN);
            const g = doin + (<usize>(column * block) << 2);
            const d = dxdu + (<usize>(f * block) << 2);
            const o = u + (<usize>(f * block) << 2);
            const c = spread + (<usize>(f * npad + first) << 2);
            for (let j = 0; j < cols; j += 4) {
                const jo = <usize>j << 2;
                let gx = v128.load(g + jo);
                if (spread != 0) gx = f32x4.add(gx, v128.load(c + jo));
                v128.store(o + jo, f32x4.mul(gx, v128.load(d + jo)));
            }
            // Pad columns carry no gradient.
            for (let j = valid; j < cols; j++) store<f32>(o + (<usize>j << 2), 0);
        }
        if (mode == 0) {
            // The generator's output layer is linear: its dz is du.
            generatorBackward(plan, gen, u, first, block, cols);
        } else {
            const s = f32x4.splat(f32At(plan, P_VSCALE));
            const dv = ptrAt(plan, P_DV) + (<usize>first << 2);
            for (let f = 0; f < free; f++) {
                const from = u + (<usize>(f * block) << 2);
                const to = dv + (<usize>(f * npad) << 2);
                for (let j = 0; j < cols; j += 4) v128.store(to + (<usize>j << 2), f32x4.mul(v128.load(from + (<usize>j << 2)), s));
            }
        }
    }
    store<f32>(plan + P_LOSS, <f32>(loss / <f64>n));
    if (mode == 0) adamNet(gen, step);
    else adam(ptrAt(plan, P_V), ptrAt(plan, P_DV), ptrAt(plan, P_VM), ptrAt(plan, P_VV), free * npad, step);
}

/** The generator's backward pass for a block, from du [free x block] (its linear output's dz). */
function generatorBackward(plan: usize, gen: usize, du: usize, first: i32, block: i32, cols: i32): void {
    const npad = i32At(plan, P_NPAD);
    netBackward(gen, ptrAt(plan, P_GEN_IN) + (<usize>first << 2), npad, du, 0, true, block, cols);
}

/**
 * d(standardised output `column`)/d(free features) at features x [free x npad] (from the
 * plan's X array when x is 0), for every solution, into out [free x npad].
 */
export function outputGradient(plan: usize, column: i32, x: usize, out: usize): void {
    const n = i32At(plan, P_N);
    const npad = i32At(plan, P_NPAD);
    const block = i32At(plan, P_BLOCK);
    const free = i32At(plan, P_FREE);
    const outputs = i32At(plan, P_OUTPUTS);
    const oracle = ptrAt(plan, P_ORACLE);
    const oin = ptrAt(plan, P_OIN);
    const doin = ptrAt(plan, P_DOIN);
    const dy = ptrAt(plan, P_DY);
    const xb = ptrAt(plan, P_DXDU); // scratch [free x block]
    const features = ptrAt(plan, P_FEATURES);
    const from = x != 0 ? x : ptrAt(plan, P_X);
    for (let first = 0; first < n; first += block) {
        const cols = min(block, npad - first);
        const valid = min(block, n - first);
        copyRows(from + (<usize>first << 2), npad, xb, block, free, cols);
        splice(plan, xb, oin, block, cols);
        netForward(oracle, oin, block, block, cols);
        memory.fill(dy, 0, <usize>(outputs * block) << 2);
        const seed = dy + (<usize>(column * block) << 2);
        for (let j = 0; j < valid; j++) store<f32>(seed + (<usize>j << 2), 1);
        netBackward(oracle, oin, block, dy, doin, false, block, cols);
        for (let f = 0; f < free; f++) {
            const c = i32At(features + <usize>f * FEATURE_BYTES, F_COLUMN);
            memory.copy(out + (<usize>(f * npad + first) << 2), doin + (<usize>(c * block) << 2), <usize>cols << 2);
        }
    }
}

/**
 * Gradients without an update (for the exactness tests): the loss and the generator's
 * weight gradients (mode 0) or dL/dv (mode 1) as a step would compute them.
 */
export function inversionGradients(plan: usize): void {
    // A step with a zero learning rate leaves the weights as they are (Adam's moments move,
    // which the tests do not read).
    inversionStep(plan, 0);
}

// ------------------------------------------------------------------------------ oracle training

/**
 * Batches of oracle training (one call: the batches [first, first + batches) of an epoch
 * in the given row order): gather, forward, loss (mean squared error, or softmax
 * cross-entropy for a classifier), backward, Adam with each batch's learning rate. Each
 * batch's loss goes to R_LOSSES[b].
 */
export function trainBatches(run: usize): void {
    const net = ptrAt(run, R_NET);
    const rows = i32At(run, R_ROWS);
    const batch = i32At(run, R_BATCH);
    const batchPad = (batch + 7) & ~7;
    const classifier = i32At(run, R_CLASSIFIER) != 0;
    const L0 = layerAt(net, 0);
    const inputs = i32At(L0, L_IN);
    const last = layerAt(net, i32At(net, 0) - 1);
    const outputs = i32At(last, L_OUT);
    const xb = ptrAt(run, R_XB);
    const yb = ptrAt(run, R_YB);
    const dyb = ptrAt(run, R_DYB);
    const X = ptrAt(run, R_X);
    const Y = ptrAt(run, R_Y);
    const order = ptrAt(run, R_ORDER);
    const firstBatch = i32At(run, R_FIRST);
    const batches = i32At(run, R_BATCHES);
    for (let b = 0; b < batches; b++) {
        const start = (firstBatch + b) * batch;
        const size = min(batch, rows - start);
        const cols = (size + 7) & ~7;
        memory.fill(xb, 0, <usize>(inputs * batchPad) << 2);
        memory.fill(yb, 0, <usize>(outputs * batchPad) << 2);
        for (let j = 0; j < size; j++) {
            const r = load<i32>(order + (<usize>(start + j) << 2));
            for (let i = 0; i < inputs; i++) store<f32>(xb + (<usize>(i * batchPad + j) << 2), load<f32>(X + (<usize>(r * inputs + i) << 2)));
            for (let o = 0; o < outputs; o++) store<f32>(yb + (<usize>(o * batchPad + j) << 2), load<f32>(Y + (<usize>(r * outputs + o) << 2)));
        }
        zeroGradients(net);
        netForward(net, xb, batchPad, batchPad, cols);
        const out = netOutput(net);
        memory.fill(dyb, 0, <usize>(outputs * batchPad) << 2);
        let loss: f64 = 0;
        if (classifier) {
            // -mean_j sum_o y log softmax(z); its gradient (softmax - y) / size.
            const inv: f32 = <f32>1 / <f32>size;
            for (let j = 0; j < size; j++) {
                let m: f32 = -Infinity;
                for (let o = 0; o < outputs; o++) m = max(m, load<f32>(out + (<usize>(o * batchPad + j) << 2)));
                let s: f32 = 0;
                for (let o = 0; o < outputs; o++) s += Mathf.exp(load<f32>(out + (<usize>(o * batchPad + j) << 2)) - m);
                const logS = Mathf.log(s);
                for (let o = 0; o < outputs; o++) {
                    const at = <usize>(o * batchPad + j) << 2;
                    const logP = load<f32>(out + at) - m - logS;
                    const t = load<f32>(yb + at);
                    loss -= <f64>(t * logP);
                    store<f32>(dyb + at, (Mathf.exp(logP) - t) * inv);
                }
            }
            loss /= <f64>size;
        } else {
            const inv: f32 = <f32>2 / <f32>(size * outputs);
            for (let o = 0; o < outputs; o++) {
                for (let j = 0; j < size; j++) {
                    const at = <usize>(o * batchPad + j) << 2;
                    const d = load<f32>(out + at) - load<f32>(yb + at);
                    loss += <f64>(d * d);
                    store<f32>(dyb + at, d * inv);
                }
            }
            loss /= <f64>(size * outputs);
        }
        store<f32>(ptrAt(run, R_LOSSES) + (<usize>b << 2), <f32>loss);
        netBackward(net, xb, batchPad, dyb, 0, true, batchPad, cols);
        const t = i32At(run, R_T) + 1;
        store<i32>(run + R_T, t);
        const lr = <f64>load<f32>(ptrAt(run, R_LR) + (<usize>(firstBatch + b) << 2));
        const step = (lr * Math.sqrt(1 - Math.pow(<f64>BETA2_64, <f64>t))) / (1 - Math.pow(<f64>BETA1_64, <f64>t));
        adamNet(net, <f32>step);
    }
}

const BETA1_64: f64 = 0.9;
const BETA2_64: f64 = 0.999;

/**
 * A net's forward pass over rows [rows x inputs] (row-major, standardised) in blocks of
 * `block` columns, writing its outputs [rows x outputs] row-major (a classifier's through
 * its head as the net has it). xb [inputs x block] is scratch.
 */
export function predictRows(net: usize, X: usize, rows: i32, xb: usize, block: i32, out: usize): void {
    const L0 = layerAt(net, 0);
    const inputs = i32At(L0, L_IN);
    const last = layerAt(net, i32At(net, 0) - 1);
    const outputs = i32At(last, L_OUT);
    for (let first = 0; first < rows; first += block) {
        const size = min(block, rows - first);
        const cols = (size + 7) & ~7;
        memory.fill(xb, 0, <usize>(inputs * block) << 2);
        for (let j = 0; j < size; j++) {
            for (let i = 0; i < inputs; i++) store<f32>(xb + (<usize>(i * block + j) << 2), load<f32>(X + (<usize>((first + j) * inputs + i) << 2)));
        }
        netForward(net, xb, block, block, cols);
        const y = netOutput(net);
        for (let j = 0; j < size; j++) {
            for (let o = 0; o < outputs; o++) store<f32>(out + (<usize>((first + j) * outputs + o) << 2), load<f32>(y + (<usize>(o * block + j) << 2)));
        }
    }
}

/** A block of memory for the JavaScript side (16-byte aligned, zeroed; never freed: one instance per program). */
export function alloc(bytes: usize): usize {
    const p = heap.alloc(bytes);
    memory.fill(p, 0, bytes);
    return p;
}
