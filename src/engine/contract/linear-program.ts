/**
 * Small linear (and mixed-integer) programs, solved by HiGHS (the `highs` package: the
 * University of Edinburgh's solver compiled to WebAssembly). The language server asks one
 * at validation (is a `require` relation satisfiable inside the bounds?); the engine asks
 * for the centre of a feasible polytope and for the whole-number points nearest a relaxed
 * answer. No TF.js here: this file is in contract/ so that the language layer may use it.
 *
 * The .wasm file: an esbuild bundle finds it in out/wasm/ beside itself (esbuild.mjs copies
 * it there; the .vsix ships out/wasm/*.wasm), the sources (vitest) in the package.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import highsModule from 'highs';
import type { Highs, InitOptions } from 'highs';

export interface LpVariable {
    /** null: unbounded on that side. */
    lo: number | null;
    hi: number | null;
    integer?: boolean;
}

export interface LpConstraint {
    /** One coefficient per variable (dense: these programs are small). */
    coefficients: number[];
    op: '<=' | '>=' | '=';
    rhs: number;
}

export interface LinearProgram {
    variables: LpVariable[];
    constraints: LpConstraint[];
    /** Omitted: any feasible point. */
    objective?: { sense: 'minimize' | 'maximize'; coefficients: number[] };
}

export type LpResult =
    | { status: 'optimal'; x: number[]; objective: number }
    | { status: 'infeasible' }
    | { status: 'unbounded' }
    | { status: 'failed'; reason: string };

type HighsLoader = (options?: InitOptions) => Promise<Highs>;
/** The package is CommonJS: its loader is the default export, or the module itself through a bundler. */
const highsLoader = ((highsModule as unknown as { default?: HighsLoader }).default ?? highsModule) as unknown as HighsLoader;
let highs: Promise<Highs> | null = null;

/** The HiGHS .wasm: beside the bundle (out/wasm/), else in the installed package. */
function highsWasm(): string {
    const candidates: string[] = [];
    if (typeof __dirname !== 'undefined') candidates.push(join(__dirname, 'wasm', 'highs.wasm'));
    try {
        candidates.push(createRequire(import.meta.url).resolve('highs/runtime'));
    } catch {
        // An installed bundle carries no node_modules: only out/wasm/ can serve.
    }
    const found = candidates.find((p) => existsSync(p));
    if (!found) throw new Error('the LP solver (highs.wasm) was not found beside the program; reinstall inv');
    return found;
}

function solver(): Promise<Highs> {
    if (!highs) {
        const wasm = highsWasm();
        const loading = highsLoader({ locateFile: (file: string) => (file.endsWith('.wasm') ? wasm : join(dirname(wasm), file)) });
        loading.catch(() => (highs = null));
        highs = loading;
    }
    return highs;
}

/**
 * Tolerances: HiGHS's defaults (1e-7) are looser than the 1e-9 a relation is held to; the
 * callers polish what matters in float64 themselves, and these tighter ones keep that small.
 */
const OPTIONS = { output_flag: false, primal_feasibility_tolerance: 1e-9, dual_feasibility_tolerance: 1e-9, mip_feasibility_tolerance: 1e-9 } as const;

export async function solveLinearProgram(lp: LinearProgram): Promise<LpResult> {
    const h = await solver();
    let result: ReturnType<Highs['solve']>;
    try {
        result = h.solve(lpText(lp), OPTIONS);
    } catch (e) {
        return { status: 'failed', reason: (e as Error).message };
    }
    switch (result.Status) {
        case 'Optimal': {
            const x = lp.variables.map((_, i) => (result.Columns as Record<string, { Primal: number }>)[`x${i}`]?.Primal ?? 0);
            return { status: 'optimal', x, objective: result.ObjectiveValue };
        }
        case 'Infeasible':
            return { status: 'infeasible' };
        case 'Unbounded':
        case 'Primal infeasible or unbounded':
            return lp.objective ? { status: 'unbounded' } : { status: 'infeasible' };
        default:
            return { status: 'failed', reason: result.Status };
    }
}

/** CPLEX LP format, numbers at full precision; every variable named x0, x1, … */
export function lpText(lp: LinearProgram): string {
    const n = lp.variables.length;
    const linear = (coefficients: number[]) => {
        const terms = coefficients.map((c, i) => (c === 0 ? '' : `${c < 0 ? '-' : '+'} ${num(Math.abs(c))} x${i}`)).filter(Boolean);
        return terms.length ? terms.join(' ') : `0 x0`;
    };
    const lines: string[] = [];
    const objective = lp.objective ?? { sense: 'minimize' as const, coefficients: new Array<number>(n).fill(0) };
    lines.push(objective.sense === 'minimize' ? 'Minimize' : 'Maximize', ` obj: ${linear(objective.coefficients)}`);
    lines.push('Subject To');
    lp.constraints.forEach((c, k) => lines.push(` c${k}: ${linear(c.coefficients)} ${c.op} ${num(c.rhs)}`));
    lines.push('Bounds');
    lp.variables.forEach((v, i) => {
        if (v.lo === null && v.hi === null) lines.push(` x${i} free`);
        else lines.push(` ${v.lo === null ? '-inf' : num(v.lo)} <= x${i} <= ${v.hi === null ? '+inf' : num(v.hi)}`);
    });
    const integers = lp.variables.map((v, i) => (v.integer ? `x${i}` : '')).filter(Boolean);
    if (integers.length) lines.push('General', ` ${integers.join(' ')}`);
    lines.push('End');
    return lines.join('\n');
}

function num(v: number): string {
    // An exponent without a sign ("1e21") is fine for HiGHS; NaN/Infinity never reach here.
    return String(v);
}
