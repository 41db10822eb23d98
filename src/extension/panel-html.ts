/**
 * The results panel's HTML shell, the one page src/webview (out/webview.js, out/webview.css)
 * runs in: a strict CSP (`default-src 'none'`; the stylesheet and the script by a fresh nonce,
 * images from the panel's own origin or data: URIs), then an empty #inv-panel the script
 * fills. The extension serves it (results-panel.ts) and so do the browser tests
 * (test/webview/panel-page.ts), so they check the page VS Code gets. No Node or VS Code API
 * here beyond the nonce, so the tests can import it.
 */
import { randomBytes } from 'node:crypto';

export interface PanelAssets {
    /** Where the panel's own files come from (`webview.cspSource` in VS Code). */
    cspSource: string;
    /** out/webview.css as the page loads it (`webview.asWebviewUri`). */
    styleUri: string;
    /** out/webview.js as the page loads it. */
    scriptUri: string;
}

/** The page; `nonce` is fresh per page (the CSP's only way to let the stylesheet and script in). */
export function panelHtml(assets: PanelAssets, nonce: string = randomBytes(16).toString('base64')): string {
    const { cspSource, styleUri, scriptUri } = assets;
    return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'nonce-${nonce}'; script-src 'nonce-${nonce}'; img-src ${cspSource} data:;">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${styleUri}" nonce="${nonce}">
  <title>inv results</title>
</head>
<body>
  <div id="inv-panel"></div>
  <script nonce="${nonce}" src="${scriptUri}"></script>
</body>
</html>`;
}
