/**
 * A synthesis's conditional generator G(z, t) on the fused kernel: ConditionalProgram's
 * steps (conditional-generator.ts) — the same weights, batches and targets drawn from the
 * same seeds, a new batch every SPREAD_EVERY steps — done by FusedProgram with the
 * target as the generator's last input column and each row's own target in the loss.
 */
import { FusedProgram, type FusedParts } from '../inversion/fused-program.js';
import { initialWeights } from '../nn/dense-net.js';
import { OUTPUT_SCALE } from '../inversion/generator.js';
import { SPREAD_EVERY, type InversionProgram, type ProgramState, type StepResult } from '../inversion/inversion-program.js';
import type { LayerWeights } from '../nn/fused/kernel-net.js';
import { Random, seedFor } from '../nn/random.js';
import type { MethodSpec } from '../contract/spec.js';
import type { TargetSource } from './conditional-generator.js';

export class FusedConditionalProgram {
    private readonly program: FusedProgram;
    private readonly random: Random;
    private steps = 0;
    private current: Float32Array;
    private readonly inputWidth: number;

    constructor(
        private readonly method: Extract<MethodSpec, { kind: 'generator' }>,
        private readonly batch: number,
        seed: number,
        private readonly source: TargetSource,
        /** The parts of a run; `targets` is filled in here (assigned, per row). */
        private readonly parts: Omit<FusedParts, 'targets'> & { column: number },
    ) {
        const free = parts.transforms.free.length;
        this.inputWidth = method.latent + 1;
        const sizes = [this.inputWidth, ...method.layers, free];
        const weights = initialWeights(sizes, new Random(seedFor(seed, 'conditional-generator')), OUTPUT_SCALE);
        const layers: LayerWeights[] = weights.map((w, l) => ({ ...w, activation: l + 1 === weights.length ? 'linear' : method.activation }));
        this.random = new Random(seedFor(seed, 'conditional-batches'));
        const rows = this.drawRows();
        this.current = rows.assigned;
        this.program = new FusedProgram({ ...parts, targets: { kind: 'assigned', column: parts.column, values: rows.standardised } }, batch, {
            kind: 'generator',
            layers,
            input: rows.input,
            inputWidth: this.inputWidth,
        });
    }

    /** The current rows' targets, in the output's units (row order of `state`). */
    get assigned(): Float32Array {
        return this.current;
    }

    step(learningRate: number, spreading: boolean): StepResult {
        if (this.steps > 0 && this.steps % SPREAD_EVERY === 0) {
            const rows = this.drawRows();
            this.current = rows.assigned;
            this.program.newRows(rows.input, this.inputWidth, rows.standardised);
        }
        this.steps++;
        return this.program.step(learningRate, spreading);
    }

    state(): Promise<ProgramState> {
        return this.program.state();
    }

    /**
     * The rows to write: G(z, t) for latent rows z and standardised targets t, as a program
     * that refines each row onto its target. This program is disposed.
     */
    writeRows(z: Float32Array, t: Float32Array): InversionProgram {
        const n = t.length;
        const sampler = new FusedProgram({ ...this.parts, diversity: 0, targets: { kind: 'assigned', column: this.parts.column, values: t } }, n, {
            kind: 'generator',
            layers: this.program.generatorWeights(),
            input: this.inputRows(z, t, n),
            inputWidth: this.inputWidth,
        });
        const start = sampler.raw();
        sampler.dispose();
        this.dispose();
        return new FusedProgram({ ...this.parts, diversity: 0, targets: { kind: 'assigned', column: this.parts.column, values: t } }, n, { kind: 'raw', start, scale: 1 });
    }

    dispose(): void {
        this.program.dispose();
    }

    private inputRows(z: Float32Array, t: ArrayLike<number>, n: number): Float32Array {
        const latent = this.method.latent;
        const input = new Float32Array(n * this.inputWidth);
        for (let i = 0; i < n; i++) {
            input.set(z.subarray(i * latent, (i + 1) * latent), i * this.inputWidth);
            input[i * this.inputWidth + latent] = t[i];
        }
        return input;
    }

    private drawRows(): { input: Float32Array; assigned: Float32Array; standardised: Float32Array } {
        // As ConditionalProgram.drawRows: the targets, then the latent rows.
        const assigned = this.source.draw(this.random, this.batch);
        const z = this.random.normals(this.batch * this.method.latent);
        const standardised = this.source.standardise(assigned);
        return { input: this.inputRows(z, standardised, this.batch), assigned, standardised };
    }
}
