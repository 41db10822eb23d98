/**
 * A synthesis result: how well the written rows follow the reference distribution (the
 * histograms of the reference, of the assigned targets and of what the oracle says the
 * rows give), KS distance, meeting share, distinct rows and the file written.
 */
import type { InvResult, SynthesisReport } from '../engine/contract/results.js';
import { formatCount, formatNumber, formatPercent, formatValue } from '../engine/contract/number-format.js';
import { chartLegend } from './chart-legend.js';
import { axisStyle, baseOption, canvasTooltip, ChartBox, type CartesianOption } from './charts.js';
import { withAlpha, type ChartColours } from './chart-theme.js';
import { h, replaceChildren } from './dom-builder.js';
import { asShares, binEdges, countInBins, suggestedBinCount } from './histogram.js';
import { histogramSeries, stackedBins } from './histogram-series.js';

export class SynthesisView {
    readonly element = h('section', { class: 'card synthesis', 'aria-labelledby': 'synthesis-title' });
    private readonly chart = new ChartBox('synthesis-chart', 'Synthetic targets over the reference');

    show(result: InvResult, synthesis: SynthesisReport): void {
        const output = result.targets[0]?.output ?? result.oracle.outputs[0] ?? 'output';
        const achieved = result.solutions.map((s) => s.outputs[output] ?? NaN);
        const ks = synthesis.ks === null ? null : formatNumber(synthesis.ks, 'statistic');
        replaceChildren(this.element,
            h('h2', { id: 'synthesis-title' }, `Synthetic data: ${output}`),
            h('dl', { class: 'stats' },
                stat('Rows written', formatCount(synthesis.count)),
                stat('KS distance', ks ?? '— (one-sided goal)'),
                stat('Meeting their targets', formatPercent(synthesis.meeting)),
                stat('Distinct rows', formatCount(synthesis.distinct)),
                stat('Output file', h('code', null, synthesis.output), synthesis.overwritten ? ' (overwritten)' : '')),
            chartLegend([
                { label: 'oracle output of the rows', colour: 'accent', mark: 'bar' },
                { label: 'reference', colour: 'reference', mark: 'line' },
                { label: 'assigned targets', colour: 'best', mark: 'dashed' },
            ]),
            this.chart.element,
            h('p', { class: 'hint' },
                `Share of values per bin. Reference: the distribution asked for. Assigned targets: the ${output} each row was generated for. `,
                `Oracle output: the ${output} the oracle predicts for the written rows. `,
                ks === null
                    ? 'KS: not measured for a one-sided goal (`>=`, `<=`): every row only has to satisfy it.'
                    : `KS: the Kolmogorov–Smirnov distance between the oracle outputs of the written rows and the reference (the largest gap between their cumulative distributions; 0 = the same distribution).`));
        this.chart.show((colours) => synthesisOption(colours, output, synthesis, achieved),
            `Histogram of ${output}: oracle outputs of ${formatCount(synthesis.count)} rows over the reference (${formatCount(synthesis.reference.length)} values) and the assigned targets; KS ${ks ?? 'not applicable'}`);
    }
}

function stat(term: string, ...value: Array<Node | string>): HTMLElement {
    return h('div', { class: 'stat' }, h('dt', null, term), h('dd', null, ...value));
}

/**
 * The outline of a histogram of shares, as a line: up and down each bin's edges, so the
 * reference and the assigned targets are drawn over the bars without hiding them.
 */
export function histogramOutline(edges: number[], shares: number[]): Array<[number, number]> {
    const points: Array<[number, number]> = [[edges[0]!, 0]];
    shares.forEach((share, i) => points.push([edges[i]!, share], [edges[i + 1]!, share]));
    points.push([edges[edges.length - 1]!, 0]);
    return points;
}

function synthesisOption(colours: ChartColours, output: string, synthesis: SynthesisReport, achieved: number[]): CartesianOption {
    const edges = binEdges([synthesis.reference, synthesis.assigned, achieved], suggestedBinCount(synthesis.reference.length));
    const shares = (values: ArrayLike<number>) => asShares(countInBins(values, edges));
    const [bars] = stackedBins(edges, [shares(achieved)]);
    const axis = axisStyle(colours);
    const outline = (name: string, values: ArrayLike<number>, colour: string, dashed: boolean, z: number) => ({
        type: 'line' as const, name, data: histogramOutline(edges, shares(values)), showSymbol: false, silent: true, z,
        lineStyle: { color: colour, width: 2, type: dashed ? ('dashed' as const) : ('solid' as const) }, itemStyle: { color: colour },
    });
    return {
        ...baseOption(colours),
        grid: { left: 4, right: 14, top: 12, bottom: 4, containLabel: true },
        tooltip: canvasTooltip(colours, 'item'),
        xAxis: {
            type: 'value', name: output, nameLocation: 'end', min: edges[0], max: edges[edges.length - 1], ...axis, splitLine: { show: false },
            axisLabel: { color: colours.foreground, formatter: (v: number) => formatValue(v), hideOverlap: true },
        },
        yAxis: { type: 'value', ...axis, axisLabel: { color: colours.foreground, formatter: (v: number) => formatPercent(v) } },
        series: [
            // The bars first, the reference and the assigned targets as outlines on top: all three stay visible.
            { ...histogramSeries('oracle output', bars!, withAlpha(colours.accent, 0.55), (top) => formatPercent(top)), z: 1 },
            outline('reference', synthesis.reference, colours.reference, false, 3),
            outline('assigned targets', synthesis.assigned, colours.best, true, 4),
        ],
    };
}
