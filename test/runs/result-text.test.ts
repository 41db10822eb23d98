/**
 * How a stored result reads in the editor: the summary lens, the best-solution lens, the hints
 * (each short enough for VS Code's 43 characters), their tooltips and the details other editors
 * show as a message — from the paper's Exp2 result (test/webview/fixtures), in the one number
 * format (engine/contract/number-format.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { InvResult } from '../../src/engine/contract/results.js';
import { resultSummary } from '../../src/server/runs/result-text.js';
import {
    describeBestInputs, describeFeatureValue, describeTargetReading, explainFeature, explainTarget, featureReading, resultDetails, targetReading,
} from '../../src/server/runs/result-reading.js';

const exp2 = JSON.parse(readFileSync(new URL('../webview/fixtures/exp2.json', import.meta.url), 'utf8')) as InvResult;

describe('a result in the editor', () => {
    it('the summary lens: the best output, how many meet, time and backend', () => {
        expect(resultSummary(exp2)).toBe('✓ y = 1900 · 256/256 meet · 1 min 3 s · wasm');
    });

    it('the best-solution lens: every free feature, the fixed ones left to the code', () => {
        expect(describeBestInputs(exp2)).toBe('best x1 = 458.237 · x2 = 224.575 · x3 = 197.093');
    });

    it('hints are short (a line has 43 characters for all of them); their tooltips carry the figures in full', () => {
        const x3 = featureReading(exp2, 'x3')!;
        expect(describeFeatureValue(x3)).toBe('= 197.093');
        expect(explainFeature(x3, exp2)).toBe([
            '**x3** = 197.093 in the best of 256 solutions',
            'spread 0.28 (standard deviation / bound width): importance rank 2 of 3 (least spread = most important)',
            'From the last run of Exp2 (wasm, 1 min 3 s, stopped: tolerance).',
        ].join('\n\n'));
        const y = targetReading(exp2, 'y')!;
        expect(describeTargetReading(y)).toBe('→ y = 1900 · miss 0 ✓');
        expect(explainTarget(y, exp2)).toContain('**y**: = 1900 (tolerance 1.9)\n\nbest solution: 1900, miss 0 — met\n\n256/256 solutions meet every target');
        expect(describeTargetReading(y).length).toBeLessThanOrEqual(43);
    });

    it('the details (other editors\' message, the lenses\' tooltip): everything, one fact a line', () => {
        expect(resultDetails(exp2)).toEqual([
            `Exp2: ${resultSummary(exp2)}`,
            'best: x1 = 458.237, x2 = 224.575, x3 = 197.093, x4 = 10 (fixed)',
            '→ y = 1900 (target = 1900, miss 0 ✓)',
            'spread, most important first: x1 2.4e-4, x3 0.28, x2 0.28',
        ]);
    });
});
