/**
 * Chart colours come from the theme: panel.css maps VS Code's `--vscode-charts-*` (and a few
 * more) onto `--inv-chart-*` with fallbacks per body class, and charts read them here, again
 * whenever the body class changes (a theme switch).
 */
export interface ChartColours {
    foreground: string;
    muted: string;
    grid: string;
    background: string;
    /** Meeting solutions, bars, the loss curve. */
    accent: string;
    /** Solutions that miss. */
    miss: string;
    /** The best solution, the assigned targets of a synthesis. */
    best: string;
    /** The reference distribution of a synthesis. */
    reference: string;
    /** One colour per family of answers (summary.modes), in family order; later families reuse the last. */
    families: string[];
    fontFamily: string;
    fontSize: number;
}

export function readChartColours(element: Element = document.body): ChartColours {
    const style = getComputedStyle(element);
    const read = (name: string, fallback: string) => normaliseColour(style.getPropertyValue(name).trim() || fallback);
    return {
        foreground: read('--inv-chart-foreground', '#616161'),
        muted: read('--inv-chart-muted', '#8a8a8a'),
        grid: read('--inv-chart-grid', 'rgba(128,128,128,0.35)'),
        background: read('--inv-background', '#ffffff'),
        accent: read('--inv-chart-accent', '#1a85ff'),
        miss: read('--inv-chart-miss', '#8a8a8a'),
        best: read('--inv-chart-best', '#d18616'),
        reference: read('--inv-chart-reference', '#8a8a8a'),
        families: FAMILY_FALLBACKS.map((fallback, i) => read(`--inv-chart-family-${i + 1}`, fallback)),
        fontFamily: style.fontFamily || 'sans-serif',
        fontSize: Number.parseFloat(style.fontSize) || 13,
    };
}

/** Okabe-Ito: told apart with the common colour-vision deficiencies. */
const FAMILY_FALLBACKS = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#8a8a8a'];

/** The colour of family `index` (the last colour stands for every family past the palette). */
export function familyColour(colours: ChartColours, index: number): string {
    return colours.families[Math.min(index, colours.families.length - 1)]!;
}

let probe: CanvasRenderingContext2D | null = null;

/**
 * Any CSS colour (VS Code uses `#rrggbbaa`, named colours, rgba()) as the canvas itself
 * reads it (`#rrggbb` or `rgba(...)`), which every part of the chart library understands.
 */
export function normaliseColour(colour: string): string {
    probe ??= document.createElement('canvas').getContext('2d');
    if (!probe) return colour;
    probe.fillStyle = '#000000';
    probe.fillStyle = colour;
    return String(probe.fillStyle);
}

/** The same colour with an alpha (for translucent bars and lines). */
export function withAlpha(colour: string, alpha: number): string {
    const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
    if (hex) return `rgba(${parseInt(hex[1]!, 16)}, ${parseInt(hex[2]!, 16)}, ${parseInt(hex[3]!, 16)}, ${alpha})`;
    const rgba = /^rgba?\(([^,]+),([^,]+),([^,)]+)(?:,([^)]+))?\)$/.exec(colour.replace(/\s/g, ''));
    if (rgba) return `rgba(${rgba[1]}, ${rgba[2]}, ${rgba[3]}, ${alpha * (rgba[4] ? Number(rgba[4]) : 1)})`;
    return colour;
}
