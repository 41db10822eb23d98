/**
 * The last result of each inversion and synthesis, per document: what the inline results
 * (inlay hints, hover, the summary lens, the not-met diagnostic) and the results panel show.
 * Kept in memory and, when the editor gives the server a storage folder (VS Code's workspace
 * storage, `InvInitializationOptions.storagePath`), in one JSON file per document there, so the
 * results survive a reload. A result is stale when the document's text no longer hashes to
 * the result's `sourceHash`.
 */
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomically } from '../../engine/contract/atomic-write.js';
import { FILE_SIZE_LIMITS, readRegularTextFileSync } from '../../engine/contract/regular-file.js';
import type { InvResult } from '../../engine/contract/results.js';
import { RESULT_SCHEMA } from '../../engine/contract/results.js';
import { sourceHash } from '../../language/to-spec.js';

interface StoredDocumentResults {
    uri: string;
    results: InvResult[];
}

export class ResultStore {
    private readonly byDocument = new Map<string, Map<string, InvResult>>();
    private storageFolder: string | null = null;
    /** The write in progress per file (persist). */
    private readonly writing = new Map<string, Promise<void>>();

    /** Where results are persisted from now on (null: memory only). */
    setStoragePath(storagePath: string | null): void {
        this.storageFolder = storagePath ? join(storagePath, 'results') : null;
        this.byDocument.clear();
    }

    get(uri: string, name: string): InvResult | undefined {
        return this.document(uri).get(name);
    }

    all(uri: string): InvResult[] {
        return [...this.document(uri).values()];
    }

    set(uri: string, result: InvResult): void {
        const results = this.document(uri);
        results.set(result.name, result);
        this.persist(uri, results);
    }

    /** True when the result was computed from a different text than `currentText`. */
    static isStale(result: InvResult, currentText: string): boolean {
        return result.sourceHash !== sourceHash(currentText);
    }

    private document(uri: string): Map<string, InvResult> {
        let results = this.byDocument.get(uri);
        if (!results) {
            results = new Map(this.load(uri).map((r) => [r.name, r]));
            this.byDocument.set(uri, results);
        }
        return results;
    }

    private fileFor(uri: string): string | null {
        if (!this.storageFolder) return null;
        return join(this.storageFolder, `${createHash('sha1').update(uri).digest('hex')}.json`);
    }

    private load(uri: string): InvResult[] {
        const file = this.fileFor(uri);
        if (!file) return [];
        try {
            const stored = JSON.parse(readRegularTextFileSync(file, FILE_SIZE_LIMITS.csv)) as StoredDocumentResults;
            // A cache from another inv version or a damaged file is simply not used.
            if (stored.uri !== uri || !Array.isArray(stored.results)) return [];
            return stored.results.filter((r) => r && r.schema === RESULT_SCHEMA && typeof r.name === 'string');
        } catch {
            return [];
        }
    }

    /**
     * Written as every file inv writes (contract/atomic-write.ts), off the server's thread, one
     * write at a time per document so that the last result stored is the one on disk.
     */
    private persist(uri: string, results: Map<string, InvResult>): void {
        const file = this.fileFor(uri);
        const folder = this.storageFolder;
        if (!file || !folder) return;
        const text = JSON.stringify({ uri, results: [...results.values()] } satisfies StoredDocumentResults);
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
