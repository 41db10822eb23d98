/**
 * The `diversity` setting: the weight of the term that spreads the solutions over the
 * target's level set (LANGUAGE.md, "Loss"). This file is free of TensorFlow.js so that the
 * language layer can read the default without loading a backend; the term itself is in
 * src/engine/repulsion.ts.
 */

/**
 * The default weight. PROVISIONAL: being tuned on the paper's experiments (the value and
 * the reasons will be documented here).
 */
export const DEFAULT_DIVERSITY = 0.05;
