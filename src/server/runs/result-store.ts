/**
 * The last result of each inversion and synthesis, per document: what the inline results
 * (inlay hints, hover, the summary lens, the not-met diagnostic) and the results panel show.
 * Kept in memory and, when the editor gives the server a storage folder (VS Code's workspace
 * storage, `InvInitializationOptions.storagePath`), in one JSON file per document there, so the
 * results survive a reload. Each result is kept with the hash of what its run read
 * (run-inputs.ts), so the editor can tell, block by block, whether it is stale.
 */
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomically } from '../../engine/contract/atomic-write.js';
import { FILE_SIZE_LIMITS, readRegularTextFileSync } from '../../engine/contract/regular-file.js';
import type { InvResult } from '../../engine/contract/results.js';
import { RESULT_SCHEMA } from '../../engine/contract/results.js';
import { AstUtils } from 'langium';
import type { RunBlock } from '../../language/ast-fields.js';
import { isStale, type StoredResult } from './run-inputs.js';

interface StoredDocumentResults {
    uri: string;
    results: InvResult[];
    /** Per result name, the hash of what its run read (absent in caches of older versions). */
    inputs?: Record<string, string>;
}

export class ResultStore {
    private readonly byDocument = new Map<string, Map<string, StoredResult>>();
    private storageFolder: string | null = null;
    /** The write in progress per file (persist). */
    private readonly writing = new Map<string, Promise<void>>();

    /** Where results are persisted from now on (null: memory only). */
    setStoragePath(storagePath: string | null): void {
        this.storageFolder = storagePath ? join(storagePath, 'results') : null;
        this.byDocument.clear();
    }

    get(uri: string, name: string): InvResult | undefined {
        return this.document(uri).get(name)?.result;
    }

    /** The result with the hash of what its run read. */
    stored(uri: string, name: string): StoredResult | undefined {
        return this.document(uri).get(name);
    }

    /** The last result of `block`'s run, and whether what that run read has changed since. */
    latest(block: RunBlock): { result: InvResult; stale: boolean } | undefined {
        const document = AstUtils.getDocument(block);
        const stored = block.name ? this.stored(document.uri.toString(), block.name) : undefined;
        return stored && { result: stored.result, stale: isStale(stored, block, document.textDocument.getText()) };
    }

    all(uri: string): InvResult[] {
        return [...this.document(uri).values()].map((s) => s.result);
    }

    /** `inputs`: run-inputs.ts's hash of what the run read (null when unknown). */
    set(uri: string, result: InvResult, inputs: string | null): void {
        const results = this.document(uri);
        results.set(result.name, { result, inputs });
        this.persist(uri, results);
    }

    private document(uri: string): Map<string, StoredResult> {
        let results = this.byDocument.get(uri);
        if (!results) {
            results = new Map(this.load(uri).map((s) => [s.result.name, s]));
            this.byDocument.set(uri, results);
        }
        return results;
    }

    private fileFor(uri: string): string | null {
        if (!this.storageFolder) return null;
        return join(this.storageFolder, `${createHash('sha1').update(uri).digest('hex')}.json`);
    }

    private load(uri: string): StoredResult[] {
        const file = this.fileFor(uri);
        if (!file) return [];
        try {
            const stored = JSON.parse(readRegularTextFileSync(file, FILE_SIZE_LIMITS.csv)) as StoredDocumentResults;
            // A cache from another inv version or a damaged file is simply not used.
            if (stored.uri !== uri || !Array.isArray(stored.results)) return [];
            return stored.results
                .filter((r) => r && r.schema === RESULT_SCHEMA && typeof r.name === 'string')
                .map((result) => ({ result, inputs: typeof stored.inputs?.[result.name] === 'string' ? stored.inputs[result.name]! : null }));
        } catch {
            return [];
        }
    }

    /**
     * Written as every file inv writes (contract/atomic-write.ts), off the server's thread, one
     * write at a time per document so that the last result stored is the one on disk.
     */
    private persist(uri: string, results: Map<string, StoredResult>): void {
        const file = this.fileFor(uri);
        const folder = this.storageFolder;
        if (!file || !folder) return;
        const entries = [...results.values()];
        const inputs = Object.fromEntries(entries.flatMap((s) => (s.inputs === null ? [] : [[s.result.name, s.inputs]])));
        const text = JSON.stringify({ uri, results: entries.map((s) => s.result), inputs } satisfies StoredDocumentResults);
        const previous = this.writing.get(file) ?? Promise.resolve();
        const next = previous
            .then(async () => {
                await mkdir(folder, { recursive: true });
                await writeFileAtomically(file, text);
            })
            // The cache is a convenience: a read-only storage folder only costs the results after a reload.
            .catch(() => undefined);
        this.writing.set(file, next);
        void next.then(() => {
            if (this.writing.get(file) === next) this.writing.delete(file);
        });
    }
}
