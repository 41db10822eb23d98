/**
 * How the solutions spread: a histogram per free feature (meeting and missing solutions
 * stacked; for a categorical feature, a bar per label: its share of the solutions) and
 * parallel coordinates over the free features and the outputs (meeting solutions coloured,
 * the best one drawn on top; a categorical feature is an axis of its labels).
 */
import type { InvResult, Solution } from '../engine/contract/results.js';
import { axisStyle, baseOption, canvasTooltip, ChartBox, type CartesianOption, type ParallelOption } from './charts.js';
import { withAlpha, type ChartColours } from './chart-theme.js';
import { h, replaceChildren } from './dom-builder.js';
import { binEdges, countInBins, suggestedBinCount } from './histogram.js';
import { formatBin, formatCount, formatTick } from './number-format.js';
import { freeFeatures, labelsOf, numericInput } from './solution-columns.js';

export class SpreadView {
    readonly element = h('div', { class: 'spread-view' });
    private boxes: ChartBox[] = [];

    show(result: InvResult): void {
        for (const box of this.boxes) box.dispose();
        this.boxes = [];
        const features = freeFeatures(result);
        const meeting = result.solutions.filter((s) => s.meets);
        const missing = result.solutions.filter((s) => !s.meets);

        const histograms = h('div', { class: 'histograms' });
        for (const feature of features) {
            const box = new ChartBox('histogram', `Distribution of ${feature}`);
            this.boxes.push(box);
            histograms.append(h('figure', { class: 'card histogram-card', 'data-feature': feature },
                h('figcaption', null, feature), box.element));
            const labels = labelsOf(result, feature);
            if (labels) {
                box.show((colours) => labelOption(colours, feature, labels, meeting, missing),
                    `Share of each label of ${feature} over ${formatCount(result.solutions.length)} solutions: ${labels.map((l) => `${l} ${formatCount(meeting.filter((s) => s.inputs[feature] === l).length)} meeting`).join(', ')}`);
            } else {
                box.show((colours) => histogramOption(colours, feature, meeting, missing),
                    `Histogram of ${feature} over ${formatCount(result.solutions.length)} solutions: ${formatCount(meeting.length)} meet, ${formatCount(missing.length)} miss`);
            }
        }

        const parallel = new ChartBox('parallel-chart', 'Parallel coordinates');
        this.boxes.push(parallel);
        const axes = [...features, ...result.oracle.outputs];
        replaceChildren(this.element,
            h('section', { class: 'card', 'aria-labelledby': 'histograms-title' },
                h('h2', { id: 'histograms-title' }, 'Distribution per free feature'),
                h('p', { class: 'hint' }, 'Solutions per bin: blue meet the target, grey miss it.'),
                features.length ? histograms : h('p', { class: 'empty' }, 'Every input is fixed: nothing varies.')),
            h('section', { class: 'card', 'aria-labelledby': 'parallel-title' },
                h('h2', { id: 'parallel-title' }, 'Solutions across features'),
                h('p', { class: 'hint' }, 'One line per solution through every free feature and output.'),
                parallel.element));
        parallel.show((colours) => parallelOption(colours, axes, result),
            `Parallel coordinates over ${axes.join(', ')}: ${formatCount(result.solutions.length)} solutions, ${formatCount(meeting.length)} meeting, best highlighted`);
    }
}

function histogramOption(colours: ChartColours, feature: string, meeting: Solution[], missing: Solution[]): CartesianOption {
    const meetValues = meeting.map((s) => numericInput(s, feature));
    const missValues = missing.map((s) => numericInput(s, feature));
    const edges = binEdges([meetValues, missValues], suggestedBinCount(meetValues.length + missValues.length));
    const labels = edges.slice(0, -1).map((low, i) => formatBin(low, edges[i + 1]!));
    const axis = axisStyle(colours);
    const series: CartesianOption['series'] = [
        { type: 'bar', name: 'meet', stack: 'n', data: countInBins(meetValues, edges), itemStyle: { color: colours.accent }, barCategoryGap: '8%' },
    ];
    if (missValues.length) {
        series.push({ type: 'bar', name: 'miss', stack: 'n', data: countInBins(missValues, edges), itemStyle: { color: withAlpha(colours.miss, 0.6) } });
    }
    return {
        ...baseOption(colours),
        grid: { left: 4, right: 12, top: 12, bottom: 4, containLabel: true },
        tooltip: canvasTooltip(colours, 'axis'),
        xAxis: {
            type: 'category', data: labels, ...axis,
            axisLabel: { color: colours.foreground, formatter: (label: string) => label.split(' – ')[0] ?? label, hideOverlap: true },
        },
        yAxis: { type: 'value', minInterval: 1, ...axis },
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
    const best = result.solutions[result.summary.best];
    const meets = result.solutions.filter((s) => s.meets && s !== best).map(row);
    const misses = result.solutions.filter((s) => !s.meets && s !== best).map(row);
    const axis = axisStyle(colours);
    const lines = (name: string, data: number[][], color: string, width: number, opacity: number) => ({
        type: 'parallel' as const, name, data, silent: name !== 'best',
        lineStyle: { color, width, opacity }, emphasis: { disabled: true },
    });
    const series: ParallelOption['series'] = [];
    if (misses.length) series.push(lines('miss', misses, colours.miss, 1, 0.3));
    if (meets.length) series.push(lines('meet', meets, colours.accent, 1, 0.35));
    if (best) series.push(lines('best', [row(best)], colours.best, 3, 1));
    return {
        ...baseOption(colours),
        legend: { top: 0, right: 8, textStyle: { color: colours.foreground }, itemWidth: 18, itemHeight: 4 },
        parallel: { left: 48, right: 64, top: 40, bottom: 24 },
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
                    axisLabel: { color: colours.foreground, formatter: (v: number) => formatTick(v) },
                    scale: true,
                };
        }),
        series,
    };
}
