/**
 * The solutions table: every row of the result, sortable by any column, virtualised so a
 * few thousand rows scroll smoothly. A real <table> (so screen readers get table semantics):
 * only the rows in view are in the DOM, between two spacer rows that keep the scroll
 * height; `aria-rowcount`/`aria-rowindex` tell assistive technology where they are.
 */
import { elementScroll, observeElementOffset, observeElementRect, Virtualizer } from '@tanstack/virtual-core';
import type { InvResult, Solution } from '../engine/contract/results.js';
import { h } from './dom-builder.js';
import { columnFormat, formatCount, formatMiss, formatValue } from '../engine/contract/number-format.js';
import { DEFAULT_SORT, type SortState } from './panel-state.js';
import { onThinData, solutionColumns, sortedOrder, type SolutionColumn } from './solution-columns.js';

export interface TableEvents {
    onSort(sort: SortState): void;
    onScroll(scrollTop: number): void;
}

/** A first guess; the real height is measured from a rendered row (it follows the font size). */
const ESTIMATED_ROW_HEIGHT = 26;

export class SolutionsTable {
    readonly element: HTMLElement;
    private readonly summary = h('p', { class: 'table-summary', id: 'solutions-summary' });
    private readonly scroller = h('div', { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-labelledby': 'solutions-summary' });
    private readonly table = h('table', { class: 'solutions' });
    private readonly caption = h('caption', { class: 'visually-hidden' });
    private readonly colgroup = h('colgroup');
    private readonly headRow = h('tr', { 'aria-rowindex': 1 });
    private readonly tbody = h('tbody');
    private readonly topSpacer = spacerRow();
    private readonly bottomSpacer = spacerRow();
    private result: InvResult | null = null;
    private columns: SolutionColumn[] = [];
    private formats = new Map<string, (value: number) => string>();
    private order = new Uint32Array(0);
    private sort: SortState = DEFAULT_SORT;
    private virtualizer: Virtualizer<HTMLDivElement, HTMLTableRowElement> | null = null;
    private unmount: (() => void) | null = null;
    private rowHeight = ESTIMATED_ROW_HEIGHT;
    private pendingScroll: number | null = null;

    constructor(private readonly events: TableEvents) {
        this.table.append(this.caption, this.colgroup, h('thead', null, this.headRow), this.tbody);
        this.scroller.append(this.table);
        this.element = h('div', { class: 'solutions-view' }, this.summary, this.scroller);
        this.scroller.addEventListener('scroll', () => {
            if (this.virtualizer) this.events.onScroll(this.scroller.scrollTop);
        }, { passive: true });
        new ResizeObserver(() => this.mountWhenVisible()).observe(this.scroller);
    }

    show(result: InvResult, sort: SortState, scrollTop: number): void {
        this.result = result;
        this.columns = solutionColumns(result);
        // Values line up by column (the same decimals in every row); an error, which ranges from
        // 0 to far off, reads on its own (3 significant digits), and so does a fixed input (one value).
        this.formats = new Map(this.columns.map((c) => [c.id,
            c.kind === 'error' ? formatMiss : c.fixed ? formatValue : columnFormat(result.solutions.map((s, i) => c.key(s, i)))]));
        this.sort = this.columns.some((c) => c.id === sort.column) ? sort : DEFAULT_SORT;
        this.order = sortedOrder(result.solutions, this.columnById(this.sort.column), this.sort.direction);
        this.renderHead();
        this.table.setAttribute('aria-rowcount', String(result.solutions.length + 1));
        this.table.style.minWidth = `${64 + 112 + 96 * (this.columns.length - 2)}px`;
        this.unmount?.();
        this.unmount = null;
        this.virtualizer = null;
        this.tbody.replaceChildren();
        this.pendingScroll = scrollTop;
        this.mountWhenVisible();
    }

    /**
     * The virtualiser measures its viewport and scrolls to where the reader was, which a
     * hidden tab cannot do: it is mounted the first time the table has a size.
     */
    private mountWhenVisible(): void {
        if (this.virtualizer || !this.result || this.scroller.clientHeight === 0) return;
        const initialOffset = this.pendingScroll ?? 0;
        this.pendingScroll = null;
        this.virtualizer = new Virtualizer<HTMLDivElement, HTMLTableRowElement>({
            count: this.result.solutions.length,
            getScrollElement: () => this.scroller,
            estimateSize: () => this.rowHeight,
            scrollToFn: elementScroll,
            observeElementRect,
            observeElementOffset,
            initialOffset,
            overscan: 12,
            onChange: () => this.renderRows(),
        });
        this.unmount = this.virtualizer._didMount();
        this.virtualizer._willUpdate();
        this.renderRows();
        if (initialOffset > 0) this.scroller.scrollTop = initialOffset;
    }

    private columnById(id: string): SolutionColumn {
        return this.columns.find((c) => c.id === id) ?? this.columns[0]!;
    }

    private applySort(sort: SortState): void {
        if (!this.result) return;
        this.sort = sort;
        this.order = sortedOrder(this.result.solutions, this.columnById(sort.column), sort.direction);
        this.updateSortMarks();
        this.scroller.scrollTop = 0;
        this.renderRows();
        this.events.onSort(sort);
    }

    private renderHead(): void {
        // Fixed table layout takes the column count from the first row, a spacer: span exactly.
        for (const spacer of [this.topSpacer, this.bottomSpacer]) (spacer.firstElementChild as HTMLTableCellElement).colSpan = this.columns.length;
        this.colgroup.replaceChildren(...this.columns.map((c) => h('col', { class: `col-${c.kind}` })));
        this.headRow.replaceChildren(...this.columns.map((column) => {
            const button = h('button', { type: 'button', class: 'sort', 'data-column': column.id },
                h('span', { class: 'label' }, column.label),
                column.fixed ? h('span', { class: 'tag' }, 'fixed') : null,
                h('span', { class: 'sort-mark', 'aria-hidden': 'true' }));
            button.addEventListener('click', () => {
                const same = this.sort.column === column.id;
                this.applySort({ column: column.id, direction: same && this.sort.direction === 'ascending' ? 'descending' : 'ascending' });
            });
            return h('th', {
                scope: 'col', class: `kind-${column.kind}${column.fixed ? ' fixed' : ''}`,
                title: column.fixed ? `${column.label} is fixed: the same in every solution` : null,
            }, button);
        }));
        this.updateSortMarks();
    }

    private updateSortMarks(): void {
        const sorted = this.columnById(this.sort.column);
        this.columns.forEach((column, i) => {
            const th = this.headRow.children[i] as HTMLTableCellElement;
            const active = column === sorted;
            th.setAttribute('aria-sort', active ? this.sort.direction : 'none');
            th.querySelector('.sort-mark')!.textContent = active ? (this.sort.direction === 'ascending' ? '▲' : '▼') : '';
        });
        const result = this.result;
        if (!result) return;
        const meeting = result.solutions.filter((s) => s.meets).length;
        const synthesis = result.kind === 'synthesis';
        // A synthesis's rows are those of its CSV, in its order (row i is line i + 1 of the file).
        const natural = synthesis ? `in the order of ${result.synthesis?.output ?? 'the file'}` : 'best first';
        const order = sorted.kind === 'index' && this.sort.direction === 'ascending'
            ? natural : `sorted by ${sorted.label}, ${this.sort.direction}`;
        this.summary.textContent = synthesis
            ? `${formatCount(result.solutions.length)} rows, ${formatCount(meeting)} meet their targets · ${order}`
            : `${formatCount(result.solutions.length)} solutions, ${formatCount(meeting)} meet the target · ${order}`;
        this.caption.textContent = `${synthesis ? 'Rows' : 'Solutions'} of ${result.name}, ${order}. Column headers sort.`;
    }

    private renderRows(): void {
        const virtualizer = this.virtualizer;
        const result = this.result;
        if (!virtualizer || !result) return;
        const items = virtualizer.getVirtualItems();
        const first = items[0];
        const last = items[items.length - 1];
        this.topSpacer.style.height = `${first ? first.start : 0}px`;
        this.bottomSpacer.style.height = `${last ? virtualizer.getTotalSize() - last.end : virtualizer.getTotalSize()}px`;
        const rows = items.map((item) => this.row(result, item.index));
        this.tbody.replaceChildren(this.topSpacer, ...rows, this.bottomSpacer);
        this.measureRowHeight(rows[0]);
    }

    /** The font size decides the row height: measure once a row is on screen. */
    private measureRowHeight(row: HTMLTableRowElement | undefined): void {
        const height = row?.getBoundingClientRect().height ?? 0;
        if (height > 0 && Math.abs(height - this.rowHeight) > 0.5) {
            this.rowHeight = height;
            queueMicrotask(() => this.virtualizer?.measure());
        }
    }

    private row(result: InvResult, position: number): HTMLTableRowElement {
        const index = this.order[position]!;
        const solution = result.solutions[index]!;
        // A synthesis's rows are a data set: none is "the best".
        const best = result.kind !== 'synthesis' && index === result.summary.best;
        const tr = h('tr', {
            class: `${solution.meets ? 'meets' : 'misses'}${best ? ' best' : ''}`,
            'aria-rowindex': position + 2,
            'data-index': index,
        });
        for (const column of this.columns) tr.append(this.cell(result, column, solution, index, best));
        return tr;
    }

    private cell(result: InvResult, column: SolutionColumn, solution: Solution, index: number, best: boolean): HTMLTableCellElement {
        switch (column.kind) {
            case 'support': {
                const thin = onThinData(result, solution);
                return h('td', { class: `num kind-support${thin ? ' thin' : ''}`, title: thin ? "the oracle's training data is thin here: it may be wrong" : null },
                    this.formats.get(column.id)!(column.key(solution, index)),
                    thin ? h('span', { class: 'flag' }, ' ⚠ thin data') : null);
            }
            case 'family':
                return solution.mode === undefined
                    ? h('td', { class: 'kind-family' }, '—')
                    : h('td', { class: 'kind-family' }, h('span', { class: `family-chip family-${familySlot(solution.mode)}`, 'aria-hidden': 'true' }), ` ${solution.mode + 1}`);
            case 'index':
                return h('td', { class: 'kind-index' },
                    best ? h('span', { class: 'best-mark', title: 'best solution' }, '★ ') : null,
                    String(index + 1),
                    best ? h('span', { class: 'visually-hidden' }, ' (best)') : null);
            case 'meets':
                return h('td', { class: `kind-meets ${solution.meets ? 'ok' : 'bad'}` },
                    h('span', { class: 'icon', 'aria-hidden': 'true' }, solution.meets ? '✓' : '✗'),
                    solution.meets ? ' meets' : ' misses',
                    solution.inBounds ? null : h('span', { class: 'flag', title: 'a free feature is outside its bound' }, ' ⚠ bounds'),
                    solution.inDomain ? null : h('span', { class: 'flag', title: "an input is outside the oracle's training domain" }, ' ⚠ domain'));
            default: {
                if (column.text) return h('td', { class: `label kind-${column.kind}${column.fixed ? ' fixed' : ''}` }, column.text(solution));
                const value = column.key(solution, index);
                return h('td', { class: `num kind-${column.kind}${column.fixed ? ' fixed' : ''}` }, this.formats.get(column.id)!(value));
            }
        }
    }
}

/** The CSS colour slot (1..8) of family `mode` (panel.css `.family-N`, chart-theme.ts). */
export function familySlot(mode: number): number {
    return Math.min(mode, 7) + 1;
}

function spacerRow(): HTMLTableRowElement {
    const row = h('tr', { class: 'spacer', 'aria-hidden': 'true' });
    row.append(h('td'));
    return row;
}
