/**
 * Builds DOM nodes without HTML strings: text goes in as text nodes (never parsed), and no
 * `style` attribute is ever written, because the panel's CSP has no 'unsafe-inline'
 * (sizes and positions are set through CSSOM, `element.style.x = ...`, which CSP allows).
 */
export type Attributes = Record<string, string | number | boolean | null | undefined>;
export type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
    tag: K,
    attributes?: Attributes | null,
    ...children: Child[]
): HTMLElementTagNameMap[K] {
    const element = document.createElement(tag);
    if (attributes) setAttributes(element, attributes);
    append(element, children);
    return element;
}

export function setAttributes(element: Element, attributes: Attributes): void {
    for (const [name, value] of Object.entries(attributes)) {
        if (name === 'style') throw new Error('style attributes are blocked by the CSP; set element.style instead');
        if (value === null || value === undefined || value === false) element.removeAttribute(name);
        else element.setAttribute(name, value === true ? '' : String(value));
    }
}

export function append(parent: Node, children: Child[]): void {
    for (const child of children) {
        if (child === null || child === undefined || child === false) continue;
        parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
    }
}

/** Replaces every child of `parent`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
    parent.replaceChildren();
    append(parent, children);
}
