/**
 * Histogram bars on a value axis (ECharts' custom series: a bar series sits on categories,
 * whose labels fell on odd bin edges): each bin a rectangle from its lower to its upper
 * edge, so the axis keeps round ticks and the feature's bound, and bars of several samples
 * can be stacked.
 */
import type { CustomSeriesOption } from 'echarts/charts';
import { formatCount, formatValue } from '../engine/contract/number-format.js';

/** One bin of one series: [lower edge, upper edge, bottom, top] (a stacked series starts where the one below ends). */
export type BinBar = [low: number, high: number, bottom: number, top: number];

export function stackedBins(edges: number[], layers: number[][]): BinBar[][] {
    const floor = new Array<number>(edges.length - 1).fill(0);
    return layers.map((counts) => counts.map((count, i): BinBar => {
        const bar: BinBar = [edges[i]!, edges[i + 1]!, floor[i]!, floor[i]! + count];
        floor[i] = bar[3];
        return bar;
    }));
}

export function histogramSeries(name: string, bars: BinBar[], colour: string, describe: (top: number, bottom: number) => string = (t, b) => formatCount(t - b)): CustomSeriesOption {
    return {
        type: 'custom',
        name,
        data: bars,
        encode: { x: [0, 1], y: [2, 3], tooltip: [3] },
        renderItem: (_params, api) => {
            const [x0, y0] = api.coord([api.value(0), api.value(3)]) as number[];
            const [x1, y1] = api.coord([api.value(1), api.value(2)]) as number[];
            // One pixel between neighbours, so the bins read as bins.
            const gap = Math.min(1, Math.max(0, (x1! - x0!) / 8));
            return {
                type: 'rect',
                shape: { x: x0! + gap, y: y0!, width: Math.max(0, x1! - x0! - 2 * gap), height: Math.max(0, y1! - y0!) },
                style: { fill: colour },
            };
        },
        tooltip: {
            formatter: (p) => {
                const [low, high, bottom, top] = (p as { value: unknown }).value as BinBar;
                return `${name}: ${describe(top, bottom)} in ${formatValue(low)} – ${formatValue(high)}`;
            },
        },
    };
}
