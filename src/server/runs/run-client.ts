/**
 * What the client can take, read once from `initialize`: the refresh requests it declared
 * (a server request the client did not declare is never sent: LANGUAGE.md, "Runs from any
 * editor"), whether it shows work-done progress, and whether it is the VS Code extension,
 * which shows runs itself from `inv/progress` and `inv/result`.
 */
import type { InitializeParams } from 'vscode-languageserver';
import type { InvInitializationOptions } from '../../protocol.js';

export interface RunClient {
    /** The client shows runs from `inv/progress` and `inv/result` (InvInitializationOptions.showsRuns). */
    showsRuns: boolean;
    /** `workspace/codeLens/refresh` may be sent. */
    codeLensRefresh: boolean;
    /** `workspace/inlayHint/refresh` may be sent. */
    inlayHintRefresh: boolean;
    /** `window/workDoneProgress/create` may be sent (server-initiated progress). */
    workDoneProgress: boolean;
}

/** Before `initialize` (and for a client that declares nothing): standard LSP only, no refreshes. */
export const PLAIN_CLIENT: RunClient = { showsRuns: false, codeLensRefresh: false, inlayHintRefresh: false, workDoneProgress: false };

export function readRunClient(params: Pick<InitializeParams, 'capabilities' | 'initializationOptions'>): RunClient {
    const options = params.initializationOptions as Partial<InvInitializationOptions> | undefined;
    const capabilities = params.capabilities ?? {};
    return {
        showsRuns: options?.showsRuns === true,
        codeLensRefresh: capabilities.workspace?.codeLens?.refreshSupport === true,
        inlayHintRefresh: capabilities.workspace?.inlayHint?.refreshSupport === true,
        workDoneProgress: capabilities.window?.workDoneProgress === true,
    };
}
