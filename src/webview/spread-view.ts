/**
 * How the solutions spread: the families of answers (families-view.ts), a histogram per free
 * feature (meeting and missing solutions stacked, over the feature's bound with round bins;
 * for a categorical feature, a bar per label: its share of the solutions) and parallel
 * coordinates over the free features and the outputs (meeting solutions coloured, each family
 * in its own colour when there are families, those where the data is thin dashed, the best one
 * drawn on top; a categorical feature is an axis of its labels). Legends are HTML above the
 * charts (chart-legend.ts).
 */
import type { InvResult, Solution } from '../engine/contract/results.js';
import { formatCount, formatValue } from '../engine/contract/number-format.js';
import { chartLegend, type LegendItem } from './chart-legend.js';
import { axisStyle, baseOption, canvasTooltip, ChartBox, type CartesianOption, type ParallelOption } from './charts.js';
import { familyColour, withAlpha, type ChartColours } from './chart-theme.js';
import { familiesView } from './families-view.js';
import { h, replaceChildren } from './dom-builder.js';
import { binEdges, countInBins, suggestedBinCount } from './histogram.js';
import { histogramSeries, stackedBins } from './histogram-series.js';
import { freeFeatures, labelsOf, numericInput, onThinData } from './solution-columns.js';

export class SpreadView {
    readonly element = h('div', { class: 'spread-view' });
    private boxes: ChartBox[] = [];

    show(result: InvResult): void {
        for (const box of this.boxes) box.dispose();
        this.boxes = [];
        const features = freeFeatures(result);
        const meeting = result.solutions.filter((s) => s.meets);
        const missing = result.solutions.filter((s) => !s.meets);
        const bounds = new Map(result.summary.importance.map((i) => [i.feature, i.bound ?? null]));
        const synthesis = result.kind === 'synthesis';
        const noun = synthesis ? 'rows' : 'solutions';

        const histograms = h('div', { class: 'histograms' });
        for (const feature of features) {
            const box = new ChartBox('histogram', `Distribution of ${feature}`);
            this.boxes.push(box);
            const meetValues = meeting.map((s) => numericInput(s, feature));
            const missValues = missing.map((s) => numericInput(s, feature));
            const bound = bounds.get(feature) ?? null;
            const edges = binEdges([meetValues, missValues], suggestedBinCount(result.solutions.length), bound);
            // What the axis spans, for a reader of the page (and the tests).
            box.element.dataset.edges = `${edges[0]} ${edges[edges.length - 1]} ${edges.length - 1}`;
            histograms.append(h('figure', { class: 'card histogram-card', 'data-feature': feature },
                h('figcaption', null, feature, bound ? h('span', { class: 'bound' }, ` in [${formatValue(bound[0])}, ${formatValue(bound[1])}]`) : null),
                box.element));
            const labels = labelsOf(result, feature);
            if (labels) {
                box.show((colours) => labelOption(colours, feature, labels, meeting, missing),
                    `Share of each label of ${feature} over ${formatCount(result.solutions.length)} ${noun}: ${labels.map((l) => `${l} ${formatCount(meeting.filter((s) => s.inputs[feature] === l).length)} meeting`).join(', ')}`);
            } else {
                box.show((colours) => histogramOption(colours, edges, meetValues, missValues),
                    `Histogram of ${feature} over ${formatCount(result.solutions.length)} ${noun}${bound ? `, across its bound ${formatValue(bound[0])} to ${formatValue(bound[1])}` : ''}: ${formatCount(meeting.length)} meet, ${formatCount(missing.length)} miss`);
            }
        }

        const parallel = new ChartBox('parallel-chart', 'Parallel coordinates');
        this.boxes.push(parallel);
        const axes = [...features, ...result.oracle.outputs];
        const legend: LegendItem[] = [
            { label: synthesis ? 'meets its target' : result.summary.modes ? 'meets the target (coloured by family)' : 'meets the target', colour: 'accent', mark: 'line' },
            { label: synthesis ? 'misses its target' : 'misses', colour: 'miss', mark: 'line' },
        ];
        if (!synthesis) legend.push({ label: 'best solution', colour: 'best', mark: 'line' });
        replaceChildren(this.element,
            familiesView(result),
            h('section', { class: 'card', 'aria-labelledby': 'histograms-title' },
                h('h2', { id: 'histograms-title' }, 'Distribution per free feature'),
                h('p', { class: 'hint' }, `${synthesis ? 'Rows' : 'Solutions'} per bin, across each feature's bound.`),
                chartLegend([
                    { label: synthesis ? 'meets its target' : 'meets the target', colour: 'accent', mark: 'bar' },
                    { label: synthesis ? 'misses its target' : 'misses', colour: 'miss', mark: 'bar' },
                ]),
                features.length ? histograms : h('p', { class: 'empty' }, 'Every input is fixed: nothing varies.')),
            h('section', { class: 'card', 'aria-labelledby': 'parallel-title' },
                h('h2', { id: 'parallel-title' }, `${synthesis ? 'Rows' : 'Solutions'} across features`),
                h('p', { class: 'hint' }, result.summary.modes
                    ? 'One line per solution through every free feature and output, coloured by family; dashed where the data is thin.'
                    : `One line per ${synthesis ? 'row' : 'solution'} through every free feature and output.`),
                chartLegend(legend),
                parallel.element));
        parallel.show((colours) => parallelOption(colours, axes, result),
            `Parallel coordinates over ${axes.join(', ')}: ${formatCount(result.solutions.length)} ${noun}, ${formatCount(meeting.length)} meeting${synthesis ? '' : ', best highlighted'}`);
    }
}

function histogramOption(colours: ChartColours, edges: number[], meetValues: number[], missValues: number[]): CartesianOption {
    const [meetBars, missBars] = stackedBins(edges, [countInBins(meetValues, edges), countInBins(missValues, edges)]);
    const axis = axisStyle(colours);
    const series: CartesianOption['series'] = [histogramSeries('meet', meetBars!, colours.accent)];
    if (missValues.length) series.push(histogramSeries('miss', missBars!, withAlpha(colours.miss, 0.6)));
    return {
        ...baseOption(colours),
        grid: { left: 4, right: 14, top: 12, bottom: 4, containLabel: true },
        tooltip: canvasTooltip(colours, 'item'),
        xAxis: {
            type: 'value', min: edges[0], max: edges[edges.length - 1], ...axis, splitLine: { show: false },
            axisLabel: { color: colours.foreground, formatter: (v: number) => formatValue(v), hideOverlap: true },
        },
        yAxis: { type: 'value', minInterval: 1, ...axis, axisLabel: { color: colours.foreground, formatter: (v: number) => formatCount(v) } },
        series,
    };
}

/** A categorical feature: one bar per label, the solutions holding it (meeting and missing stacked). */
function labelOption(colours: ChartColours, feature: string, labels: string[], meeting: Solution[], missing: Solution[]): CartesianOption {
    const count = (list: Solution[]) => labels.map((l) => list.filter((s) => s.inputs[feature] === l).length);
    const axis = axisStyle(colours);
    const series: CartesianOption['series'] = [
        { type: 'bar', name: 'meet', stack: 'n', data: count(meeting), itemStyle: { color: colours.accent }, barCategoryGap: '20%' },
    ];
    if (missing.length) series.push({ type: 'bar', name: 'miss', stack: 'n', data: count(missing), itemStyle: { color: withAlpha(colours.miss, 0.6) } });
    return {
        ...baseOption(colours),
        grid: { left: 4, right: 12, top: 12, bottom: 4, containLabel: true },
        tooltip: canvasTooltip(colours, 'axis'),
        xAxis: { type: 'category', data: labels, ...axis, axisLabel: { color: colours.foreground, hideOverlap: true } },
        yAxis: { type: 'value', minInterval: 1, ...axis },
        series,
    };
}

function parallelOption(colours: ChartColours, axes: string[], result: InvResult): ParallelOption {
    const labels = axes.map((a) => labelsOf(result, a));
    // A label is placed on its axis by its index among the feature's labels.
    const row = (s: Solution) =>
        axes.map((a, i) => {
            const own = labels[i];
            if (own) return own.indexOf(String(s.inputs[a]));
            return a in s.inputs ? numericInput(s, a) : (s.outputs[a] ?? NaN);
        });
    const best = result.kind === 'synthesis' ? undefined : result.solutions[result.summary.best];
    const misses = result.solutions.filter((s) => !s.meets && s !== best).map(row);
    const axis = axisStyle(colours);
    const lines = (name: string, data: number[][], color: string, width: number, opacity: number, dashed = false) => ({
        type: 'parallel' as const, name, data, silent: name !== 'best',
        lineStyle: { color, width, opacity, type: dashed ? ('dashed' as const) : ('solid' as const) }, emphasis: { disabled: true },
    });
    const series: ParallelOption['series'] = [];
    if (misses.length) series.push(lines('miss', misses, colours.miss, 1, 0.3));
    // Meeting answers: one series per family (or one for all), those on thin data dashed.
    const groups = result.summary.modes ? result.summary.modes.map((_, i) => i) : [-1];
    for (const family of groups) {
        const members = result.solutions.filter((s) => s.meets && s !== best && (family < 0 || s.mode === family));
        const name = family < 0 ? 'meet' : `family ${family + 1}`;
        const colour = family < 0 ? colours.accent : familyColour(colours, family);
        const backed = members.filter((s) => !onThinData(result, s)).map(row);
        const thin = members.filter((s) => onThinData(result, s)).map(row);
        if (backed.length) series.push(lines(name, backed, colour, 1, 0.35));
        if (thin.length) series.push(lines(`${name}, thin data`, thin, colour, 1, 0.35, true));
    }
    if (best) series.push(lines('best', [row(best)], colours.best, 3, 1));
    return {
        ...baseOption(colours),
        // The axis names sit above the axes: the top margin leaves them room (the legend is HTML).
        parallel: { left: 48, right: 64, top: 32, bottom: 24 },
        parallelAxis: axes.map((name, dim) => {
            const own = labels[dim];
            return own
                ? {
                    dim, name, nameTextStyle: { color: colours.foreground, fontWeight: 'bold' },
                    axisLine: axis.axisLine, axisTick: axis.axisTick, min: 0, max: Math.max(1, own.length - 1), interval: 1,
                    axisLabel: { color: colours.foreground, formatter: (v: number) => own[v] ?? '' },
                }
                : {
                    dim, name, nameTextStyle: { color: colours.foreground, fontWeight: 'bold' },
                    axisLine: axis.axisLine, axisTick: axis.axisTick,
                    axisLabel: { color: colours.foreground, formatter: (v: number) => formatValue(v) },
                    scale: true,
                };
        }),
        series,
    };
}
