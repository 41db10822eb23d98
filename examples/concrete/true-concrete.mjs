/**
 * The true function behind examples/concrete (a documented synthetic data set: no UCI
 * concrete data ships in an npm package). Textbook shapes, simplified:
 *
 *   binder   = cement_pct + 0.6 * slag_pct                (slag is a latent binder)
 *   f28      = K[cement] * 100 / 8 ^ (water_pct / binder)  (Abrams' law, MPa at 28 days)
 *   g(age)   = age / (a[cement] + b[cement] * age)         (ACI 209's strength-gain curve)
 *   strength = f28 * g(age) * (1 + 0.004 * (aggregate_pct - 70))
 *   cost     = price[cement] * cement_pct + 0.05 * water_pct + 0.6 * slag_pct + 0.12 * aggregate_pct
 *              (euro per tonne of concrete, shares in % of its mass)
 *
 * with K = CEM_I 1.00, CEM_II 0.93, CEM_III 0.88 (a blended cement is weaker), a = 4, 6, 10
 * and b = 0.85, 0.79, 0.65 (CEM_III gains strength slowly, and goes on gaining after 28
 * days), price = 1.2, 1.0, 0.9. The shares of a mix add up to 100.
 */
export const CEMENTS = ['CEM_I', 'CEM_II', 'CEM_III'];
const K = { CEM_I: 1.0, CEM_II: 0.93, CEM_III: 0.88 };
const A = { CEM_I: 4, CEM_II: 6, CEM_III: 10 };
const B = { CEM_I: 0.85, CEM_II: 0.79, CEM_III: 0.65 };
const PRICE = { CEM_I: 1.2, CEM_II: 1.0, CEM_III: 0.9 };

/** The declared ranges (the data covers them; the oracle's domains). */
export const RANGES = {
    cement_pct: [10, 22],
    water_pct: [6, 11],
    slag_pct: [0, 12],
    aggregate_pct: [55, 84],
    age: [1, 90],
};

/** A mix: { cement, cement_pct, water_pct, slag_pct, aggregate_pct, age }. */
export function strength(m) {
    const binder = m.cement_pct + 0.6 * m.slag_pct;
    const f28 = (K[m.cement] * 100) / 8 ** (m.water_pct / binder);
    const gain = m.age / (A[m.cement] + B[m.cement] * m.age);
    return f28 * gain * (1 + 0.004 * (m.aggregate_pct - 70));
}

export function cost(m) {
    return PRICE[m.cement] * m.cement_pct + 0.05 * m.water_pct + 0.6 * m.slag_pct + 0.12 * m.aggregate_pct;
}
