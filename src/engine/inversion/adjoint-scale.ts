/** How fast a solution's own raw values move: the adjoint's, and the refine phase's (inversion-program.ts). */

/**
 * The raw values are ADJOINT_STEP_SCALE * v with v the optimised variable. Adam moves each
 * variable by about `learningRate` a step, so without it a raw value would move 0.001 a step
 * at the default rate: 3000 steps could not cross a box (measured: 44 of 64 solutions met a
 * range target that a generator meets with all 64, whose outputs move about ten times
 * faster at the same rate because many weights move together). The scale makes
 * `learningRate` mean about the same for both methods.
 */
export const ADJOINT_STEP_SCALE = 10;
