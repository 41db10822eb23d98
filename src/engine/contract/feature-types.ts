/**
 * Typed inputs and the model's columns (LANGUAGE.md, "Typed inputs and relations"). A real or
 * integer input is one model column; a categorical input is one column per label, one-hot,
 * in the listed order. So a model's input width is the sum of its inputs' widths, and a
 * model trained elsewhere takes its one-hot columns in the same place and order.
 * Shared by the language server (counts, hover) and the engine; no TF.js.
 */
import type { FeatureType } from './spec.js';

export function featureWidth(type: FeatureType | undefined): number {
    return type?.kind === 'categorical' ? type.labels.length : 1;
}

/** The model's input width for these declared inputs. */
export function modelInputWidth(inputs: ReadonlyArray<{ type?: FeatureType }>): number {
    return inputs.reduce((sum, input) => sum + featureWidth(input.type), 0);
}

/** The first model column of each declared input. */
export function modelColumnStarts(inputs: ReadonlyArray<{ type?: FeatureType }>): number[] {
    const starts: number[] = [];
    let next = 0;
    for (const input of inputs) {
        starts.push(next);
        next += featureWidth(input.type);
    }
    return starts;
}

/** The model's column names: a categorical input's columns are `name=label`. */
export function modelColumnNames(inputs: ReadonlyArray<{ name: string; type?: FeatureType }>): string[] {
    return inputs.flatMap((input) => (input.type?.kind === 'categorical' ? input.type.labels.map((l) => `${input.name}=${l}`) : [input.name]));
}

export function isCategorical(type: FeatureType | undefined): type is Extract<FeatureType, { kind: 'categorical' }> {
    return type?.kind === 'categorical';
}

export function isInteger(type: FeatureType | undefined): boolean {
    return type?.kind === 'integer';
}

/** How a type reads in hover and messages: `integer`, `one of { a, b }`, `real`. */
export function describeType(type: FeatureType | undefined): string {
    if (type?.kind === 'categorical') return `one of { ${type.labels.join(', ')} }`;
    return type?.kind === 'integer' ? 'integer' : 'real';
}
