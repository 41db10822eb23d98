/** Types of problems.mjs, for the engine tests that judge runs on the true functions. */
export interface RandomSource {
    uniform(): number;
    normal(): number;
    poisson(mean: number): number;
}
export function randomSource(seed: number): RandomSource;
export interface Problem {
    inputs: string[];
    outputs: string[];
    forward(x: number[]): number[];
    sample(random: RandomSource): number[];
}
export const PROBLEMS: { sine: Problem; arm: Problem; ballistics: Problem };
