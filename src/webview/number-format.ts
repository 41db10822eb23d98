/** How numbers read in the panel: six significant digits, exponents only where they help. */
const fixed = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 6, useGrouping: false });
const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatNumber(value: number | null | undefined): string {
    if (value === null || value === undefined) return '—';
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
    const size = Math.abs(value);
    if (size !== 0 && (size < 1e-3 || size >= 1e7)) return value.toExponential(2).replace('e+', 'e');
    return fixed.format(value).replace('-', '−');
}

/** Whole counts with thousands separators: 1,000. */
export function formatCount(value: number): string {
    return grouped.format(value);
}

export function formatSeconds(seconds: number): string {
    if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
    const minutes = Math.floor(seconds / 60);
    return `${minutes} min ${Math.round(seconds - 60 * minutes)} s`;
}

export function formatPercent(share: number): string {
    return `${(100 * share).toFixed(share > 0 && share < 0.01 ? 2 : 1)} %`;
}

/**
 * Axis ticks: the chart picks round values, so up to six significant digits show them
 * exactly; large and tiny ones as 1e6, 2.5e-4.
 */
export function formatTick(value: number): string {
    const size = Math.abs(value);
    if (size !== 0 && (size < 1e-3 || size >= 1e4)) return value.toExponential(3).replace(/\.?0+e/, 'e').replace('e+', 'e');
    return formatNumber(value);
}

/** A histogram bin's edges, with as many decimals as the bin width needs. */
export function formatBin(low: number, high: number): string {
    const width = Math.abs(high - low);
    if (!(width > 0) || Math.max(Math.abs(low), Math.abs(high)) >= 1e7 || width < 1e-6) return `${formatNumber(low)} – ${formatNumber(high)}`;
    const decimals = Math.min(8, Math.max(0, 1 - Math.floor(Math.log10(width))));
    const format = new Intl.NumberFormat('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals, useGrouping: false });
    return `${format.format(low).replace('-', '−')} – ${format.format(high).replace('-', '−')}`;
}

/**
 * One format for a whole table column: the same number of decimals in every row (so the
 * digits line up), enough for six significant digits of the column's largest value.
 * Columns of tiny or huge values fall back to `formatNumber` (exponents).
 */
export function columnFormat(values: ArrayLike<number>): (value: number) => string {
    let largest = 0;
    for (let i = 0; i < values.length; i++) {
        const v = Math.abs(values[i]!);
        if (Number.isFinite(v) && v > largest) largest = v;
    }
    if (largest !== 0 && (largest < 1e-2 || largest >= 1e7)) return formatNumber;
    const decimals = Math.min(6, Math.max(0, 5 - Math.floor(Math.log10(largest || 1))));
    const format = new Intl.NumberFormat('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals, useGrouping: false });
    return (value) => (Number.isFinite(value) ? format.format(value).replace('-', '−') : formatNumber(value));
}
