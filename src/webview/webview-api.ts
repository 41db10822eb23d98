/**
 * The host's side of the panel: VS Code's `acquireVsCodeApi()` handle (a global the webview
 * host defines; the standalone test page defines a shim with the same shape). Typed with the
 * messages of src/protocol.ts.
 */
import type { FromPanel } from '../protocol.js';

export interface WebviewApi {
    postMessage(message: FromPanel): void;
    /** Whatever the last setState stored (unknown: it may come from an older panel version). */
    getState(): unknown;
    setState<T>(state: T): T;
}

declare global {
    /** May be called once per page load. */
    function acquireVsCodeApi(): WebviewApi;
}

export function acquireHost(): WebviewApi {
    if (typeof acquireVsCodeApi !== 'function') {
        throw new Error('inv results panel: acquireVsCodeApi is missing; serve the panel from VS Code (or test/webview/panel-page.ts, which stands in for it)');
    }
    return acquireVsCodeApi();
}
