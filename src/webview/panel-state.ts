/**
 * What survives a reload of the panel (VS Code drops a hidden webview's page; we do not use
 * retainContextWhenHidden): the last result, the sort, the tab, the table's scroll and
 * whether the header's details are folded. Kept
 * with the host's getState/setState; the same object reaches the extension's serializer.
 */
import type { PanelState } from '../protocol.js';
import type { WebviewApi } from './webview-api.js';

export type SortState = PanelState['sort'];
export type TabId = PanelState['tab'];

export const TABS: readonly TabId[] = ['overview', 'solutions', 'spread'];
export const DEFAULT_SORT: SortState = { column: 'index', direction: 'ascending' };

export function emptyState(): PanelState {
    return { version: 1, result: null, uri: null, sort: { ...DEFAULT_SORT }, tab: 'overview', tableScroll: 0, headerCollapsed: false };
}

/** The stored state if it is one this version understands, else a fresh one. */
export function readState(host: WebviewApi): PanelState {
    const stored = host.getState();
    const fresh = emptyState();
    if (!isRecord(stored) || stored.version !== 1) return fresh;
    const sort = isRecord(stored.sort) ? stored.sort : {};
    return {
        version: 1,
        // The result is the engine's own object, stored unchanged by this panel.
        result: isRecord(stored.result) && stored.result.schema === 'inv-result/1' ? (stored.result as unknown as PanelState['result']) : null,
        uri: typeof stored.uri === 'string' ? stored.uri : null,
        sort: {
            column: typeof sort.column === 'string' ? sort.column : fresh.sort.column,
            direction: sort.direction === 'descending' ? 'descending' : 'ascending',
        },
        tab: TABS.includes(stored.tab as TabId) ? (stored.tab as TabId) : fresh.tab,
        tableScroll: typeof stored.tableScroll === 'number' && stored.tableScroll >= 0 ? stored.tableScroll : 0,
        headerCollapsed: stored.headerCollapsed === true,
    };
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null;
}

/**
 * Writes the state through to the host. The state holds the whole result (the host
 * serialises it on every write) and scrolling changes it many times a second, so those
 * writes are coalesced (one per 200 ms) and flushed when the page is hidden.
 */
export class StateStore {
    private pending = false;

    constructor(private readonly host: WebviewApi, public state: PanelState) {
        addEventListener('pagehide', () => this.flush());
    }

    update(change: Partial<PanelState>, options: { soon?: boolean } = {}): void {
        this.state = { ...this.state, ...change };
        if (!options.soon) {
            this.flush();
            return;
        }
        if (this.pending) return;
        this.pending = true;
        setTimeout(() => this.flush(), 200);
    }

    flush(): void {
        this.pending = false;
        this.host.setState(this.state);
    }
}
