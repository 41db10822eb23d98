/**
 * ECharts, registered with only what the panel draws (line, bar, custom (histogram bars on
 * a value axis), parallel; grid, tooltip, parallel axes; canvas renderer; legends are HTML,
 * chart-legend.ts), and `ChartBox`: a chart that is created only
 * once its box is visible (a hidden tab has no size), resizes with its box and redraws
 * with the theme's colours on a theme switch.
 *
 * CSP: the canvas renderer sets styles through CSSOM only. Tooltips use `renderMode:
 * 'richText'` (drawn on the canvas): the HTML tooltip writes `style="..."` attributes,
 * which a CSP without 'unsafe-inline' blocks.
 */
import { init, use, type ComposeOption, type ECharts } from 'echarts/core';
import {
    BarChart, CustomChart, LineChart, ParallelChart,
    type BarSeriesOption, type CustomSeriesOption, type LineSeriesOption, type ParallelSeriesOption,
} from 'echarts/charts';
import {
    GridComponent, ParallelComponent, TooltipComponent,
    type GridComponentOption, type ParallelComponentOption, type TooltipComponentOption,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { readChartColours, type ChartColours } from './chart-theme.js';
import { h } from './dom-builder.js';

use([LineChart, BarChart, CustomChart, ParallelChart, GridComponent, ParallelComponent, TooltipComponent, CanvasRenderer]);

export type CartesianOption = ComposeOption<LineSeriesOption | BarSeriesOption | CustomSeriesOption | GridComponentOption | TooltipComponentOption>;
/**
 * ECharts' ComposeOption cannot take ParallelComponentOption: its axis type has an open
 * `mainType`, which turns the composed type into an index signature every key fails. The
 * parallel axes are typed loosely here instead.
 */
export type ParallelOption = ComposeOption<ParallelSeriesOption | TooltipComponentOption> & {
    parallel?: ParallelComponentOption;
    parallelAxis?: Array<Record<string, unknown>>;
};
export type ChartOption = CartesianOption | ParallelOption;

export type BuildOption = (colours: ChartColours) => ChartOption;

const live = new Set<ChartBox>();

/** Redraws every chart with the current theme's colours. */
export function refreshChartTheme(): void {
    const colours = readChartColours();
    for (const box of live) box.redraw(colours);
}

export class ChartBox {
    readonly element: HTMLDivElement;
    private chart: ECharts | null = null;
    private build: BuildOption | null = null;
    private readonly resizeObserver: ResizeObserver;

    /** `label` is what a screen reader hears instead of the picture; keep it informative. */
    constructor(className: string, label: string) {
        this.element = h('div', { class: `chart ${className}`, role: 'img', 'aria-label': label });
        this.resizeObserver = new ResizeObserver(() => this.sync());
        this.resizeObserver.observe(this.element);
        live.add(this);
    }

    show(build: BuildOption, label?: string): void {
        this.build = build;
        if (label !== undefined) this.element.setAttribute('aria-label', label);
        this.redraw(readChartColours());
    }

    redraw(colours: ChartColours): void {
        if (!this.build) return;
        if (!this.chart) {
            if (!this.hasSize()) return; // drawn by sync() once the box is shown
            this.chart = init(this.element, null, { renderer: 'canvas' });
        }
        this.chart.setOption(this.build(colours), { notMerge: true, lazyUpdate: false });
    }

    dispose(): void {
        this.resizeObserver.disconnect();
        this.chart?.dispose();
        this.chart = null;
        live.delete(this);
    }

    private hasSize(): boolean {
        return this.element.isConnected && this.element.clientWidth > 0 && this.element.clientHeight > 0;
    }

    private sync(): void {
        if (this.chart) {
            if (this.hasSize()) this.chart.resize();
        } else {
            this.redraw(readChartColours());
        }
    }
}

/** Options every chart shares: no animation (live updates and screenshots stay steady), the theme's font. */
export function baseOption(colours: ChartColours) {
    return {
        animation: false,
        backgroundColor: 'transparent',
        textStyle: { color: colours.foreground, fontFamily: colours.fontFamily, fontSize: Math.max(11, colours.fontSize - 1) },
    } satisfies CartesianOption;
}

/** Tooltip drawn on the canvas (see the CSP note above). */
export function canvasTooltip(colours: ChartColours, trigger: 'axis' | 'item'): TooltipComponentOption {
    return {
        trigger,
        renderMode: 'richText',
        backgroundColor: colours.background,
        borderColor: colours.grid,
        textStyle: { color: colours.foreground, fontFamily: colours.fontFamily, fontSize: Math.max(11, colours.fontSize - 1) },
        confine: true,
    };
}

/** Axis styling in the theme's colours. */
export function axisStyle(colours: ChartColours) {
    return {
        axisLine: { lineStyle: { color: colours.muted } },
        axisTick: { lineStyle: { color: colours.muted } },
        axisLabel: { color: colours.foreground },
        nameTextStyle: { color: colours.foreground },
        splitLine: { lineStyle: { color: colours.grid } },
    };
}
