/**
 * The byte offsets of the descriptors the fused kernel reads (assembly/dense-kernel.ts keeps
 * the same numbers: a change here is a change there).
 */

/** A net: a 16-byte header [layers, 0, 0, 0], then LAYER_BYTES per layer. */
export const NET_HEADER = 16;
export const LAYER_BYTES = 64;
export const Layer = {
    in: 0,
    out: 4,
    pad: 8,
    act: 12,
    w: 16,
    b: 20,
    z: 24,
    a: 28,
    dz: 32,
    dw: 36,
    db: 40,
    mw: 44,
    vw: 48,
    mb: 52,
    vb: 56,
} as const;

export const ACTIVATION_CODES = { linear: 0, relu: 1, tanh: 2, sigmoid: 3, elu: 4, selu: 5, swish: 6, softmax: 7 } as const;

/** An inversion's plan. */
export const Plan = {
    mode: 0,
    n: 4,
    npad: 8,
    block: 12,
    gen: 16,
    genIn: 20,
    oracle: 24,
    free: 28,
    inputs: 32,
    outputs: 36,
    features: 40,
    fixed: 44,
    targets: 48,
    targetCount: 52,
    assigned: 56,
    spread: 60,
    raw: 64,
    x: 68,
    y: 72,
    v: 76,
    vm: 80,
    vv: 84,
    dv: 88,
    vscale: 92,
    uBlock: 96,
    dxdu: 100,
    oin: 104,
    doin: 108,
    dy: 112,
    health: 116,
    loss: 120,
    stack: 124,
    bytes: 132,
} as const;

export const FEATURE_BYTES = 32;
export const Feature = { column: 0, kind: 4, a: 8, b: 12, code: 16 } as const;
export const FEATURE_KINDS = { box: 0, linear: 1, constraint: 2 } as const;

export const TARGET_BYTES = 16;
export const Target = { column: 0, kind: 4, lo: 8, hi: 12 } as const;
export const TARGET_KINDS = { equal: 0, range: 1, atLeast: 2, atMost: 3, maximize: 4, minimize: 5, assigned: 6 } as const;

/** Oracle training's descriptor. */
export const Training = {
    net: 0,
    x: 4,
    y: 8,
    rows: 12,
    order: 16,
    batch: 20,
    lr: 24,
    losses: 28,
    classifier: 32,
    xb: 36,
    yb: 40,
    dyb: 44,
    t: 48,
    batches: 52,
    first: 56,
    bytes: 64,
} as const;

/** The byte-code stack: 256 values then 256 slopes. */
export const STACK_BYTES = 2 * 256 * 4;
