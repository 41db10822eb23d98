/**
 * A synthesis's reference distribution (LANGUAGE.md, "Synthesis"): where the targets of its
 * conditional generator come from, and how the written rows are judged against it.
 * - `like FILE column OUT`: the column's values (an empirical distribution);
 * - `target OUT in [lo, hi]`: uniform over the range;
 * - `target OUT >= b` / `<= b`: uniform between the bound and the output's training maximum
 *   / minimum (1 / 0 for a class probability); the goal is what a row must satisfy, so the
 *   KS distance is null for it.
 *
 * Training draws targets independently (`draw`). The written rows get stratified targets
 * (`stratified`): one from each of `count` equal-probability strata, in shuffled order, so
 * that the written targets follow the reference as closely as `count` values can (an
 * independent draw of 2,000 values is typically 0.02 from its own distribution in KS
 * distance; stratified ones are within 1/count of it).
 */
import { readDataTable } from '../oracle/data-table.js';
import { EngineError } from '../contract/errors.js';
import { ksDistance, ksToUniform } from './ks.js';
import type { Random } from '../nn/random.js';
import type { ReferenceSpec } from '../contract/spec.js';
import type { ToleranceTarget } from '../contract/target-miss.js';

/** The reference sample a result carries for the panel's histogram. */
export const REFERENCE_SAMPLE = 2000;

/** What the run knows about the targeted output, for a one-sided goal's far end. */
export interface OutputFacts {
    /** Whether the output is a class probability (a classifier's). */
    probability: boolean;
    /** The output's range in the training data, when recorded. */
    seen: { min: number; max: number } | null;
}

export class Reference {
    private constructor(
        readonly spec: ReferenceSpec,
        /** The column's values, sorted (`like`); null for a uniform reference. */
        private readonly sorted: Float64Array | null,
        /** The uniform reference's interval (range, or a goal's bound to its far end). */
        readonly low: number,
        readonly high: number,
    ) {}

    static async load(spec: ReferenceSpec, output: OutputFacts): Promise<Reference> {
        switch (spec.kind) {
            case 'column': {
                const table = await readDataTable(spec.path, [spec.column], { skipMissing: true });
                const sorted = Float64Array.from(table.values[0]).sort();
                return new Reference(spec, sorted, sorted[0], sorted[sorted.length - 1]);
            }
            case 'range':
                return new Reference(spec, null, spec.low, spec.high);
            case 'atLeast': {
                const far = output.probability ? 1 : output.seen?.max;
                if (far === undefined) throw goalWithoutRange(spec);
                return new Reference(spec, null, spec.value, Math.max(spec.value, far));
            }
            case 'atMost': {
                const far = output.probability ? 0 : output.seen?.min;
                if (far === undefined) throw goalWithoutRange(spec);
                return new Reference(spec, null, Math.min(spec.value, far), spec.value);
            }
        }
    }

    get output(): string {
        return this.spec.output;
    }

    get tolerance(): number {
        return this.spec.tolerance;
    }

    /** A one-sided goal: rows are judged by the goal, and there is no distribution to compare with. */
    get oneSided(): boolean {
        return this.spec.kind === 'atLeast' || this.spec.kind === 'atMost';
    }

    /** `n` independent targets. */
    draw(random: Random, n: number): Float32Array {
        const out = new Float32Array(n);
        for (let i = 0; i < n; i++) out[i] = this.quantile(random.next());
        return out;
    }

    /** `n` targets, one from each of n equal-probability strata, in random order. */
    stratified(random: Random, n: number): Float64Array {
        const out = new Float64Array(n);
        const order = random.permutation(n);
        for (let k = 0; k < n; k++) out[order[k]] = this.quantile((k + random.next()) / n);
        return out;
    }

    /** The reference's quantile function at p in [0, 1). */
    private quantile(p: number): number {
        if (this.sorted) return this.sorted[Math.min(this.sorted.length - 1, Math.floor(p * this.sorted.length))];
        return this.low + (this.high - this.low) * p;
    }

    /** A sample for the report: up to REFERENCE_SAMPLE values spread evenly over the quantiles. */
    sample(): number[] {
        const n = this.sorted ? Math.min(this.sorted.length, REFERENCE_SAMPLE) : REFERENCE_SAMPLE;
        return Array.from({ length: n }, (_, k) => this.quantile((k + 0.5) / n));
    }

    /** The KS distance of `values` to the reference; null for a one-sided goal. */
    ks(values: ArrayLike<number>): number | null {
        if (this.oneSided) return null;
        return this.sorted ? ksDistance(values, this.sorted) : ksToUniform(values, this.low, this.high);
    }

    /**
     * What row i of the written rows must meet: within tolerance of its assigned target, or
     * the goal itself for a one-sided reference.
     */
    rowTarget(assigned: number): ToleranceTarget {
        const { output, tolerance } = this.spec;
        if (this.spec.kind === 'atLeast' || this.spec.kind === 'atMost') return { output, kind: this.spec.kind, value: this.spec.value, tolerance };
        return { output, kind: 'equal', value: assigned, tolerance };
    }
}

function goalWithoutRange(spec: Extract<ReferenceSpec, { kind: 'atLeast' | 'atMost' }>): EngineError {
    const side = spec.kind === 'atLeast' ? 'maximum' : 'minimum';
    return new EngineError(
        `the oracle records no range for ${spec.output} (it was not trained by inv), so a one-sided goal has no far end to spread targets to; use \`target ${spec.output} in [LO, HI]\` with the ${side} you want`,
    );
}
