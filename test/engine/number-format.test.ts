/**
 * The one number format (src/engine/contract/number-format.ts): significant digits per
 * quantity, one notation rule, ASCII minus, and float32 values written without noise.
 */
import { describe, expect, it } from 'vitest';
import {
    columnFormat, float32Shortest, formatCount, formatLoss, formatMiss, formatNumber, formatPercent, formatSeconds,
    formatSpread, formatValue, significant,
} from '../../src/engine/contract/number-format.js';

describe('numbers a person reads', () => {
    it('gives each quantity its significant digits and drops trailing zeros', () => {
        expect(formatValue(1899.699951171875)).toBe('1899.7');
        expect(formatValue(86.33758544921875)).toBe('86.3376');
        expect(formatValue(1900)).toBe('1900');
        expect(formatValue(-3.5)).toBe('-3.5');
        expect(formatMiss(0.300048828125)).toBe('0.3');
        expect(formatMiss(0.87654)).toBe('0.877');
        expect(formatLoss(0.000610352)).toBe('6.1e-4');
        expect(formatSpread(0.012345)).toBe('0.012');
        expect(formatNumber(0.00220001, 'statistic')).toBe('0.0022');
    });

    it('uses one notation rule for every quantity: plain from 0.001 to below 1e6, else an exponent', () => {
        expect(formatValue(0.000610352)).toBe('6.10352e-4');
        expect(formatLoss(0.000610352)).toBe('6.1e-4');
        expect(formatValue(0.001)).toBe('0.001');
        expect(formatValue(999_999)).toBe('999999');
        expect(formatValue(999_999.7)).toBe('1e6'); // rounds up into the exponent range
        expect(formatLoss(1_234_567)).toBe('1.23e6');
        expect(formatValue(-2.5e-7)).toBe('-2.5e-7');
        expect(formatValue(0)).toBe('0');
        // Never both notations for one number at one precision.
        for (const v of [6.1e-4, 0.0061, 612_345, 6_123_456]) {
            const text = formatLoss(v);
            expect(text.includes('e') ? Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6 : true).toBe(true);
            expect(Number(text)).toBeCloseTo(Number(v.toPrecision(3)), 12);
        }
    });

    it('reads non-finite and missing values in words anyone knows', () => {
        expect(formatValue(NaN)).toBe('NaN');
        expect(formatValue(Infinity)).toBe('∞');
        expect(formatValue(-Infinity)).toBe('-∞');
        expect(formatValue(null)).toBe('—');
        expect(formatValue(undefined)).toBe('—');
    });

    it('writes counts, shares and durations one way', () => {
        expect(formatCount(2000)).toBe('2,000');
        expect(formatCount(1_234_567)).toBe('1,234,567');
        expect(formatCount(256)).toBe('256');
        expect(formatPercent(0.998)).toBe('99.8 %');
        expect(formatPercent(1)).toBe('100.0 %');
        expect(formatPercent(0.0039)).toBe('0.39 %');
        expect(formatSeconds(2.44)).toBe('2.4 s');
        expect(formatSeconds(13.8)).toBe('14 s');
        expect(formatSeconds(125)).toBe('2 min 5 s');
        expect(formatSeconds(3780)).toBe('1 h 3 min');
    });

    it('lines a table column up: the same decimals in every row, enough for the largest value', () => {
        const f = columnFormat([1899.7, 12.25, -0.5]);
        expect([1899.7, 12.25, -0.5, -0.00001].map(f)).toEqual(['1899.70', '12.25', '-0.50', '0.00']);
        // A column of huge values: each value on its own, with its exponent.
        expect(columnFormat([1e8, 2e8])(1.5e8)).toBe('1.5e8');
        expect(columnFormat([0, 0])(0)).toBe('0');
    });

    it('keeps significant() usable with any digit count', () => {
        expect(significant(Math.PI, 1)).toBe('3');
        expect(significant(Math.PI, 9)).toBe('3.14159265');
    });
});

describe('numbers a program reads', () => {
    it('writes a float32 as the shortest decimal that reads back as the same float32', () => {
        expect(float32Shortest(86.33758544921875)).toBe(86.337585);
        expect(float32Shortest(1899.699951171875)).toBe(1899.7);
        expect(float32Shortest(Math.fround(0.1))).toBe(0.1);
        expect(float32Shortest(0)).toBe(0);
        expect(float32Shortest(NaN)).toBeNaN();
        expect(float32Shortest(-Infinity)).toBe(-Infinity);
    });

    it('loses nothing and is idempotent, over many float32 values', () => {
        let seed = 12345;
        const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
        for (let i = 0; i < 5000; i++) {
            const v = Math.fround((next() - 0.5) * 10 ** Math.floor(next() * 20 - 10));
            const short = float32Shortest(v);
            expect(Math.fround(short)).toBe(v);
            expect(float32Shortest(short)).toBe(short);
            expect(String(short).replace(/^-/, '').replace(/e.*$/, '').replace('.', '').replace(/^0+/, '').length).toBeLessThanOrEqual(9);
        }
    });
});
