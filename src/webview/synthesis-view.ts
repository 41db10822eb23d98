/**
 * A synthesis result: how well the written rows follow the reference distribution (the
 * histograms of the reference, of the assigned targets and of what the oracle says the
 * rows give), KS distance, meeting share, distinct rows and the file written.
 */
import type { InvResult, SynthesisReport } from '../engine/contract/results.js';
import { axisStyle, baseOption, canvasTooltip, ChartBox, type CartesianOption } from './charts.js';
import { withAlpha, type ChartColours } from './chart-theme.js';
import { h, replaceChildren } from './dom-builder.js';
import { asShares, binEdges, countInBins, suggestedBinCount } from './histogram.js';
import { formatBin, formatCount, formatNumber, formatPercent } from './number-format.js';

export class SynthesisView {
    readonly element = h('section', { class: 'card synthesis', 'aria-labelledby': 'synthesis-title' });
    private readonly chart = new ChartBox('synthesis-chart', 'Synthetic targets over the reference');

    show(result: InvResult, synthesis: SynthesisReport): void {
        const output = result.targets[0]?.output ?? result.oracle.outputs[0] ?? 'output';
        const achieved = result.solutions.map((s) => s.outputs[output] ?? NaN);
        replaceChildren(this.element,
            h('h2', { id: 'synthesis-title' }, `Synthetic data: ${output}`),
            h('dl', { class: 'stats' },
                stat('Rows written', formatCount(synthesis.count)),
                stat('KS distance', synthesis.ks === null ? '— (one-sided goal)' : formatNumber(synthesis.ks)),
                stat('Meeting', formatPercent(synthesis.meeting)),
                stat('Distinct rows', formatCount(synthesis.distinct)),
                stat('Output file', h('code', null, synthesis.output), synthesis.overwritten ? ' (overwritten)' : '')),
            this.chart.element,
            h('p', { class: 'hint' },
                'Shares per bin. Reference: the distribution asked for. Assigned: the target each row was generated for. ',
                'Oracle output: what the oracle predicts for the written rows. KS: the Kolmogorov–Smirnov distance between the written targets and the reference (0 = the same distribution).'));
        this.chart.show((colours) => synthesisOption(colours, synthesis, achieved),
            `Histogram of ${output}: reference (${formatCount(synthesis.reference.length)} values), assigned targets and oracle outputs of ${formatCount(synthesis.count)} rows; KS ${synthesis.ks === null ? 'not applicable' : formatNumber(synthesis.ks)}`);
    }
}

function stat(term: string, ...value: Array<Node | string>): HTMLElement {
    return h('div', { class: 'stat' }, h('dt', null, term), h('dd', null, ...value));
}

function synthesisOption(colours: ChartColours, synthesis: SynthesisReport, achieved: number[]): CartesianOption {
    const edges = binEdges([synthesis.reference, synthesis.assigned, achieved], suggestedBinCount(synthesis.reference.length));
    const labels = edges.slice(0, -1).map((low, i) => formatBin(low, edges[i + 1]!));
    const shares = (values: ArrayLike<number>) => asShares(countInBins(values, edges)).map((s) => Number(s.toFixed(4)));
    const axis = axisStyle(colours);
    return {
        ...baseOption(colours),
        legend: { top: 0, right: 8, textStyle: { color: colours.foreground } },
        grid: { left: 4, right: 12, top: 32, bottom: 4, containLabel: true },
        tooltip: { ...canvasTooltip(colours, 'axis'), valueFormatter: (v) => formatPercent(Number(v)) },
        xAxis: {
            type: 'category', data: labels, ...axis,
            axisLabel: { color: colours.foreground, formatter: (label: string) => label.split(' – ')[0] ?? label, hideOverlap: true },
        },
        yAxis: { type: 'value', ...axis, axisLabel: { color: colours.foreground, formatter: (v: number) => formatPercent(v) } },
        series: [
            { type: 'bar', name: 'reference', data: shares(synthesis.reference), barGap: '-100%', barCategoryGap: '6%',
              itemStyle: { color: withAlpha(colours.reference, 0.45) } },
            { type: 'bar', name: 'oracle output', data: shares(achieved), itemStyle: { color: withAlpha(colours.accent, 0.55) } },
            { type: 'line', name: 'assigned', data: shares(synthesis.assigned), step: 'middle', showSymbol: false,
              lineStyle: { color: colours.best, width: 2 }, itemStyle: { color: colours.best } },
        ],
    };
}
