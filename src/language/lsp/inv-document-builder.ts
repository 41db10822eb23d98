/**
 * Builds documents so that the editor is never kept waiting by a document it is not showing:
 * - a build after an edit covers the documents open in the editor; the others (the rest of
 *   the workspace, a file changed on disk) are built in the background, one at a time, once
 *   nothing else has been built for BACKGROUND_DELAY_MS, and any edit cancels that work and
 *   goes first (Langium's workspace lock cancels the running write);
 * - every phase, validation included, yields to the event loop every few milliseconds
 *   (Langium's `interruptAndCheck`), so requests and a run's messages are answered between
 *   slices, and an edit cancels a build in progress.
 * The CLI never edits or opens a workspace: it builds what it is given, as Langium does.
 */
import { DefaultDocumentBuilder, DocumentState, isOperationCancelled, type BuildOptions, type LangiumDocument, type WorkspaceLock } from 'langium';
import type { LangiumSharedServices } from 'langium/lsp';
import type { CancellationToken } from 'vscode-jsonrpc';

/** How long the builder must have been idle before a document not open in the editor is built. */
export const BACKGROUND_DELAY_MS = 250;

export interface BackgroundBuilder {
    /** Builds the documents that are not open, one at a time, when the builder is idle. */
    scheduleBackground(): void;
}

export function isBackgroundBuilder(builder: unknown): builder is BackgroundBuilder {
    return typeof (builder as Partial<BackgroundBuilder>).scheduleBackground === 'function';
}

export class InvDocumentBuilder extends DefaultDocumentBuilder implements BackgroundBuilder {
    private readonly lock: WorkspaceLock;
    private timer: NodeJS.Timeout | undefined;
    private building = 0;
    private lastBuild = 0;

    constructor(services: LangiumSharedServices) {
        super(services);
        this.lock = services.workspace.WorkspaceLock;
    }

    /** An edit's build: the open documents only (first, as Langium orders them); the rest in the background. */
    protected override sortDocuments(documents: LangiumDocument[]): LangiumDocument[] {
        const sorted = super.sortDocuments(documents);
        if (!this.textDocuments) return sorted;
        const open = sorted.filter((d) => this.isOpen(d));
        if (open.length < sorted.length) this.scheduleBackground();
        return open;
    }

    protected override async buildDocuments(documents: LangiumDocument[], options: BuildOptions, cancelToken: CancellationToken): Promise<void> {
        this.building++;
        try {
            await super.buildDocuments(documents, options, cancelToken);
        } finally {
            this.building--;
            this.lastBuild = performance.now();
        }
    }

    scheduleBackground(): void {
        if (this.timer) return;
        this.timer = setTimeout(() => {
            this.timer = undefined;
            void this.buildOneInBackground();
        }, BACKGROUND_DELAY_MS);
        this.timer.unref?.();
    }

    private async buildOneInBackground(): Promise<void> {
        if (this.building > 0 || performance.now() - this.lastBuild < BACKGROUND_DELAY_MS) {
            this.scheduleBackground();
            return;
        }
        const next = this.langiumDocuments.all.find((d) => !this.isOpen(d) && !this.isBuilt(d));
        if (!next) return;
        try {
            await this.lock.write((token) => this.build([next], this.updateBuildOptions, token));
        } catch (err) {
            // Cancelled by an edit: it is taken up again when the editor is idle.
            if (!isOperationCancelled(err)) console.error(`Building ${next.uri.toString()} in the background failed:`, err);
        }
        this.scheduleBackground();
    }

    private isOpen(document: LangiumDocument): boolean {
        return this.textDocuments?.get(document.uri.toString()) !== undefined;
    }

    private isBuilt(document: LangiumDocument): boolean {
        return document.state >= DocumentState.Validated
            && this.buildState.get(document.uri.toString())?.completed === true
            && !this.resultsAreIncomplete(document, this.updateBuildOptions);
    }
}
