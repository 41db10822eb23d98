/**
 * A chart's legend as HTML beside its canvas: it can never overlap an axis title or a bar
 * (ECharts draws its legend inside the canvas, where it sat on the parallel chart's last
 * axis name), screen readers read it, and it wraps on a narrow panel. Each swatch takes its
 * colour from the same --inv-chart-* variable the chart reads (chart-theme.ts).
 */
import { h } from './dom-builder.js';

export type SwatchColour = 'accent' | 'miss' | 'best' | 'reference';

export interface LegendItem {
    label: string;
    colour: SwatchColour;
    /** How the series is drawn: a filled bar, a line, a dashed line. */
    mark: 'bar' | 'line' | 'dashed';
}

export function chartLegend(items: LegendItem[]): HTMLElement {
    return h('ul', { class: 'chart-legend' },
        ...items.map((item) => h('li', null,
            h('span', { class: `swatch ${item.mark} colour-${item.colour}`, 'aria-hidden': 'true' }),
            item.label)));
}
