/**
 * The loss curve: live while a run trains (progress points appended), then the result's
 * own `loss` samples. Log scale when the positive losses span two decades or more.
 */
import { axisStyle, baseOption, canvasTooltip, ChartBox, type CartesianOption } from './charts.js';
import type { ChartColours } from './chart-theme.js';
import { formatLoss, formatValue } from '../engine/contract/number-format.js';

export type LossPoint = [step: number, loss: number];

export interface LossCurve {
    points: LossPoint[];
    /** The run's planned steps (the x axis ends there while live). */
    steps: number;
    /** What the loss is of: the inversion, or the oracle being trained first. */
    title: string;
    live: boolean;
    /** What the x axis counts: a run's steps, or an oracle training's epochs. */
    unit: 'step' | 'epoch';
}

export function usesLogScale(points: LossPoint[]): boolean {
    let low = Infinity, high = -Infinity;
    for (const [, loss] of points) {
        if (!(loss > 0) || !Number.isFinite(loss)) return false; // a log axis cannot show 0 or less
        low = Math.min(low, loss);
        high = Math.max(high, loss);
    }
    return points.length > 1 && high / low >= 100;
}

export class LossChart {
    readonly box = new ChartBox('loss-chart', 'Loss curve: no points yet');

    show(curve: LossCurve): void {
        const last = curve.points[curve.points.length - 1];
        const log = usesLogScale(curve.points);
        const label = last
            ? `${curve.title}${curve.live ? ' (live)' : ''}: ${curve.points.length} points, ${log ? 'log' : 'linear'} scale, last loss ${formatLoss(last[1])} at ${curve.unit} ${last[0]}`
            : `${curve.title}: no points yet`;
        this.box.element.dataset.points = String(curve.points.length);
        this.box.show((colours) => lossOption(colours, curve, log), label);
    }
}

function lossOption(colours: ChartColours, curve: LossCurve, log: boolean): CartesianOption {
    const axis = axisStyle(colours);
    return {
        ...baseOption(colours),
        grid: { left: 8, right: 20, top: 28, bottom: 22, containLabel: true },
        tooltip: { ...canvasTooltip(colours, 'axis'), valueFormatter: (v) => formatLoss(Number(v)) },
        xAxis: {
            type: 'value', name: curve.unit, nameLocation: 'middle', nameGap: 22, min: 0,
            // Up to the planned steps: a run that stopped early shows where it stopped.
            max: Math.max(curve.steps, curve.points[curve.points.length - 1]?.[0] ?? 0, 1),
            ...axis, splitLine: { show: false },
        },
        yAxis: {
            type: log ? 'log' : 'value', name: log ? 'loss (log scale)' : 'loss', scale: !log,
            nameTextStyle: { color: colours.foreground, align: 'left' },
            axisLine: axis.axisLine, axisTick: axis.axisTick, splitLine: axis.splitLine,
            axisLabel: { color: colours.foreground, formatter: (v: number) => formatValue(v) },
        },
        series: [{
            type: 'line', name: 'loss', data: curve.points, showSymbol: curve.points.length < 3,
            lineStyle: { color: colours.accent, width: 2 }, itemStyle: { color: colours.accent },
        }],
    };
}
