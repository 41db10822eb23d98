/**
 * The fixtures' points and reference values, as fixture_io.py writes them: the same Halton
 * points (float64 divisions and additions, then float32), base64 float32 predictions and
 * float64 Jacobians beside each model (`<name>.expected.json`).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const FIXTURE_DIR = fileURLToPath(new URL('.', import.meta.url));

const PRIMES = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37];

function halton(index: number, base: number): number {
    let f = 1;
    let r = 0;
    let i = index;
    while (i > 0) {
        f = f / base;
        r = r + f * (i % base);
        i = Math.floor(i / base);
    }
    return r;
}

/** [count * inputs], row-major, float32 values. */
export function fixturePoints(inputs: number, lo: number, hi: number, count: number): Float32Array {
    const x = new Float32Array(count * inputs);
    for (let i = 0; i < count; i++) {
        for (let j = 0; j < inputs; j++) x[i * inputs + j] = lo + (hi - lo) * halton(i + 1, PRIMES[j]);
    }
    return x;
}

export interface Expected {
    model: string;
    madeBy: string;
    inputs: number;
    outputs: number;
    domain: [number, number];
    points: number;
    /** [points * outputs] */
    predictions: Float32Array;
    gradientPoints: number;
    /** [gradientPoints * outputs * inputs] */
    jacobian: Float64Array;
    classes?: string[];
}

export function readExpected(name: string): Expected {
    const raw = JSON.parse(readFileSync(join(FIXTURE_DIR, `${name}.expected.json`), 'utf8')) as Record<string, unknown>;
    const bytes = (s: unknown) => {
        const b = Buffer.from(s as string, 'base64');
        return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
    };
    return {
        ...(raw as unknown as Expected),
        predictions: new Float32Array(bytes(raw.predictions)),
        jacobian: new Float64Array(bytes(raw.jacobian)),
    };
}

export function fixtureFile(name: string): string {
    return join(FIXTURE_DIR, name);
}
