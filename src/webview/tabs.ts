/**
 * Tabs with the WAI-ARIA tabs pattern: one tab in the tab order, arrow keys / Home / End
 * move between tabs and select them, each panel labelled by its tab.
 */
import { h } from './dom-builder.js';

export interface TabSpec<Id extends string> {
    id: Id;
    label: string;
    panel: HTMLElement;
}

export class Tabs<Id extends string> {
    readonly list = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Result views' });
    private readonly buttons = new Map<Id, HTMLButtonElement>();
    private current: Id;

    constructor(private readonly specs: TabSpec<Id>[], selected: Id, private readonly onSelect: (id: Id) => void) {
        this.current = selected;
        for (const spec of specs) {
            const button = h('button', {
                type: 'button', role: 'tab', id: `tab-${spec.id}`, 'aria-controls': `panel-${spec.id}`, 'data-tab': spec.id,
            }, spec.label);
            button.addEventListener('click', () => this.select(spec.id, true));
            button.addEventListener('keydown', (event) => this.onKey(event, spec.id));
            this.buttons.set(spec.id, button);
            this.list.append(button);
            spec.panel.id = `panel-${spec.id}`;
            spec.panel.setAttribute('role', 'tabpanel');
            spec.panel.setAttribute('aria-labelledby', `tab-${spec.id}`);
            spec.panel.tabIndex = -1;
        }
        this.select(selected, false);
    }

    get selected(): Id {
        return this.current;
    }

    setLabel(id: Id, label: string): void {
        const button = this.buttons.get(id);
        if (button) button.textContent = label;
    }

    select(id: Id, notify: boolean): void {
        this.current = id;
        for (const spec of this.specs) {
            const on = spec.id === id;
            const button = this.buttons.get(spec.id)!;
            button.setAttribute('aria-selected', String(on));
            button.tabIndex = on ? 0 : -1;
            spec.panel.hidden = !on;
        }
        if (notify) this.onSelect(id);
    }

    private onKey(event: KeyboardEvent, id: Id): void {
        const ids = this.specs.map((s) => s.id);
        const at = ids.indexOf(id);
        const next = event.key === 'ArrowRight' ? ids[(at + 1) % ids.length]
            : event.key === 'ArrowLeft' ? ids[(at - 1 + ids.length) % ids.length]
            : event.key === 'Home' ? ids[0]
            : event.key === 'End' ? ids[ids.length - 1]
            : undefined;
        if (next === undefined) return;
        event.preventDefault();
        this.select(next, true);
        this.buttons.get(next)!.focus();
    }
}
