/**
 * The `diversity` setting: the weight of the term that spreads the solutions over the
 * target's level set (LANGUAGE.md, "Loss"). This file is free of TensorFlow.js so that the
 * language layer can read the default without loading a backend; the term itself is in
 * src/engine/inversion/spread-force.ts, the rule that ends it in src/engine/inversion/stop-rules.ts.
 */

/**
 * The default weight. The term is scaled so that a weight means the same on every problem:
 * the push on a solution is `diversity` times the pull the accuracy term puts on a miss of
 * one tolerance (repulsion.ts). At 0.15 the push moves solutions along the level set and
 * the pull keeps them within a fraction of their tolerance: on the paper's Exp1 (256
 * solutions, 3000 steps) 98 % meet while still spreading and all 256 after settling, with a
 * per-feature standard deviation of 90-160 on the 0-500 boxes (nearly uniform; the paper's
 * loss leaves about 1-4). Weights from 0.05 to 0.5 gave nearly the same spread (its growth
 * is limited by the learning rate, not the weight); larger ones cost accuracy while
 * spreading. `diversity 0` is the paper's loss exactly.
 */
export const DEFAULT_DIVERSITY = 0.15;
