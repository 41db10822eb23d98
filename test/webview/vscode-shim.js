// Stands in for VS Code's `acquireVsCodeApi()` on the test page (panel-page.ts adds it as an init script): messages the
// panel posts are recorded in `window.__invPosted` (the extension would show a save dialog
// or start a run), and the state is kept in sessionStorage so it survives a reload, as
// VS Code keeps a webview's state when it reloads the page.
(() => {
    const KEY = 'inv-webview-state';
    let acquired = false;
    window.__invPosted = [];
    window.acquireVsCodeApi = () => {
        if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
        acquired = true;
        return Object.freeze({
            postMessage(message) {
                window.__invPosted.push(JSON.parse(JSON.stringify(message)));
            },
            getState() {
                const stored = sessionStorage.getItem(KEY);
                return stored === null ? undefined : JSON.parse(stored);
            },
            setState(state) {
                sessionStorage.setItem(KEY, JSON.stringify(state));
                return state;
            },
        });
    };
})();
