import { describe, expect, it } from 'vitest';
import { formatSpread, formatValue } from '../../src/server/runs/result-text.js';

describe('numbers in inline results', () => {
    it('give values five significant digits, exponents for the very large and small', () => {
        expect(formatValue(1899.8812)).toBe('1899.9');
        expect(formatValue(0.124391)).toBe('0.12439');
        expect(formatValue(2.5e7)).toBe('2.50e+7');
        expect(formatValue(0)).toBe('0');
    });

    it('give a spread (a share of the bound width) two digits', () => {
        expect(formatSpread(0.0829606)).toBe('0.083');
        expect(formatSpread(0.5)).toBe('0.5');
        expect(formatSpread(0.000640)).toBe('6.4e-4');
        expect(formatSpread(0)).toBe('0');
    });
});
