/**
 * The results panel's entry point (bundled by esbuild.mjs to out/webview.js, an IIFE, and
 * out/webview.css from the import below). Plain browser code: it never imports Node, and
 * it takes the protocol's message types with `import type` only.
 *
 * The page it runs in is src/extension/panel-html.ts's shell (served by the extension and by
 * the browser tests alike): a strict CSP, the stylesheet and this script by nonce, an empty
 * #inv-panel; `localResourceRoots` = [out/].
 *
 * Everything is built inside #inv-panel; nothing inline is needed (no style attribute, no
 * inline script or style element), so the CSP needs no 'unsafe-inline'. Messages: the host
 * sends `ToPanel` (src/protocol.ts) with `webview.postMessage`; the panel sends `FromPanel`
 * ({type:'ready'} once it listens, then 'export' / 'rerun'). State: `PanelState` through getState/setState, so a
 * WebviewPanelSerializer can revive the panel (its `state` argument is that object).
 * Theme: VS Code's body classes and --vscode-* variables; charts redraw when the class changes.
 */
import './panel.css';
import { refreshChartTheme } from './charts.js';
import { PanelView } from './panel-view.js';
import { acquireHost } from './webview-api.js';

const root = document.getElementById('inv-panel');
if (!root) throw new Error('inv results panel: the page has no #inv-panel element (see the shell in src/webview/main.ts)');

new PanelView(root, acquireHost()).start();

// A theme switch changes the body's class (vscode-light / vscode-dark / vscode-high-contrast):
// the CSS follows by itself, the canvas charts must redraw with the new colours.
new MutationObserver(() => refreshChartTheme()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
