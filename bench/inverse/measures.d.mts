/** Types of measures.mjs, for the engine tests that judge runs on the true functions. */
import type { Problem } from './problems.mjs';
export { PROBLEMS } from './problems.mjs';
export const GRID: number;
export const TRULY_WITHIN: number;
export type Box = Array<{ lo: number; hi: number } | null>;
export function trueMse(problem: Problem, targets: number[], x: number[]): number;
export function trueMiss(problem: Problem, targets: number[], x: number[]): number;
export function rK(errors: number[], k: number): number;
export function spreadOf(rows: number[][], columns: number[]): number[];
export function levelSetCells(problem: Problem, targets: number[], box: Box, axes: number[], fixed: Array<number | null>, options?: { starts?: number; seed?: number; grid?: number }): Set<number>;
export function cellOf(x: number[], box: Box, axes: number[], grid?: number): number;
