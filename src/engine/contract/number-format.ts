/**
 * How inv writes numbers, in one place for every surface: the results panel, the editor's
 * lens, hints and hovers, the command line's table and progress bar (text a person reads),
 * and the results files (numbers a program reads). Plain TypeScript: no Node, no TF.js, no
 * DOM, so the webview, the language server, the CLI and the engine all import it.
 *
 * Read by a person — the significant digits are chosen per quantity:
 * - a value in the user's units (a feature, an output, a target, a bound): 6 (float32 holds
 *   about 7; the 7th is noise after training);
 * - a miss or an error (and the mean |error|): 3 — it says how far, not where;
 * - a loss: 3;
 * - a spread (feature importance: standard deviation / bound width): 2, a rough measure;
 * - a statistic (the KS distance): 3.
 * Then trailing zeros are dropped, and one rule decides the notation for all of them: plain
 * for 0.001 <= |v| < 1,000,000 (and 0), else an exponent written `6.1e-4`, `1.23e6` (no `+`,
 * no padding). So one number never appears as `0.000610352` in one place and `6.10e-4` in
 * another. The minus is ASCII (a value copied from the panel pastes into a file or a shell).
 * NaN reads `NaN`, infinities `∞` / `-∞`, a missing value `—`.
 * Counts are whole with thousands separators (`2,000`), shares are percentages with one
 * decimal (`99.8 %`; two below 1 %), durations `0.4 s`, `14 s`, `2 min 5 s`.
 *
 * Read by a program — results files (`--out x.json`, `--out x.csv`, a synthesis's CSV) hold
 * every number the engine computed in float32 (solutions' inputs and outputs, errors, losses)
 * as the shortest decimal that reads back as the same float32 (`float32Shortest`): at most 9
 * significant digits, no `86.33758544921875` noise, and nothing lost.
 */

/** Significant digits per quantity (see above). */
export const DIGITS = { value: 6, miss: 3, loss: 3, spread: 2, statistic: 3 } as const;

export type Quantity = keyof typeof DIGITS;

/** Below this (and above 0) and at or above PLAIN_HIGH, numbers get an exponent. */
const PLAIN_LOW = 1e-3;
const PLAIN_HIGH = 1e6;

export const MISSING = '—';

/** A number of the given quantity, as a person reads it (see the file's comment). */
export function formatNumber(value: number | null | undefined, quantity: Quantity = 'value'): string {
    if (value === null || value === undefined) return MISSING;
    return significant(value, DIGITS[quantity]);
}

/** A feature, output, target or bound in the user's units: 6 significant digits. */
export function formatValue(value: number | null | undefined): string {
    return formatNumber(value, 'value');
}

/** A miss or an error (how far from the target): 3 significant digits. */
export function formatMiss(value: number | null | undefined): string {
    return formatNumber(value, 'miss');
}

export function formatLoss(value: number | null | undefined): string {
    return formatNumber(value, 'loss');
}

/** A feature's spread (standard deviation / bound width): 2 significant digits. */
export function formatSpread(value: number | null | undefined): string {
    return formatNumber(value, 'spread');
}

/** `digits` significant digits, trailing zeros dropped, the one notation rule. */
export function significant(value: number, digits: number): string {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
    if (value === 0) return '0';
    const rounded = Number(value.toPrecision(digits));
    const size = Math.abs(rounded);
    if (size < PLAIN_LOW || size >= PLAIN_HIGH) return exponent(rounded, digits);
    return String(rounded);
}

function exponent(value: number, digits: number): string {
    const [mantissa, power] = value.toExponential(digits - 1).split('e');
    return `${trimZeros(mantissa!)}e${Number(power)}`;
}

function trimZeros(decimal: string): string {
    return decimal.includes('.') ? decimal.replace(/\.?0+$/, '') : decimal;
}

/** Whole counts with thousands separators: `2,000`. */
export function formatCount(value: number): string {
    if (!Number.isFinite(value)) return significant(value, 1);
    const whole = String(Math.round(Math.abs(value))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return value < 0 ? `-${whole}` : whole;
}

/** A share (0..1) as a percentage: `99.8 %`; two decimals for a share below 1 %. */
export function formatPercent(share: number): string {
    if (!Number.isFinite(share)) return significant(share, 1);
    const decimals = share > 0 && share < 0.01 ? 2 : 1;
    return `${(100 * share).toFixed(decimals)} %`;
}

/** A duration: `0.4 s`, `14 s`, `2 min 5 s`, `1 h 3 min`. */
export function formatSeconds(seconds: number): string {
    if (!Number.isFinite(seconds)) return `${significant(seconds, 1)} s`;
    if (seconds < 10) return `${seconds.toFixed(1)} s`;
    if (seconds < 59.5) return `${Math.round(seconds)} s`;
    const whole = Math.round(seconds);
    if (whole < 3600) return `${Math.floor(whole / 60)} min ${whole % 60} s`;
    return `${Math.floor(whole / 3600)} h ${Math.round((whole % 3600) / 60)} min`;
}

/**
 * One format for a whole table column of values: the same number of decimals in every row
 * (so the digits line up), enough for `digits` significant digits of the column's largest
 * value. A column whose largest value needs an exponent formats each value on its own.
 */
export function columnFormat(values: ArrayLike<number>, digits: number = DIGITS.value): (value: number) => string {
    let largest = 0;
    for (let i = 0; i < values.length; i++) {
        const v = Math.abs(values[i]!);
        if (Number.isFinite(v) && v > largest) largest = v;
    }
    const each = (value: number) => significant(value, digits);
    if (largest === 0 || largest < PLAIN_LOW * 10 || Number(largest.toPrecision(digits)) >= PLAIN_HIGH) return each;
    const decimals = Math.min(9, Math.max(0, digits - 1 - Math.floor(Math.log10(largest))));
    return (value) => (Number.isFinite(value) ? withoutNegativeZero(value.toFixed(decimals)) : each(value));
}

/** `-0.000` (a tiny negative rounded away) reads `0.000`. */
function withoutNegativeZero(text: string): string {
    return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}

/**
 * The shortest decimal that reads back as the same float32 as `value`: what a results file
 * holds for a number the engine computed in float32. `86.33758544921875` (a float32 widened
 * to float64) becomes `86.337585`. Idempotent; non-finite values pass unchanged.
 */
export function float32Shortest(value: number): number {
    if (!Number.isFinite(value) || value === 0) return value;
    const single = Math.fround(value);
    for (let digits = 1; digits < 9; digits++) {
        const candidate = Number(single.toPrecision(digits));
        if (Math.fround(candidate) === single) return candidate;
    }
    return Number(single.toPrecision(9));
}
