/**
 * `npm ci` is quiet on the Node the project declares (package.json `engines.node`): every
 * locked package whose `engines.node` npm checks accepts that Node's lowest version, so no
 * `EBADENGINE` warning (README, "Why Langium is pinned to 4.2.1").
 */
import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as {
    packages: Record<string, { engines?: { node?: string } | string[]; optional?: boolean; os?: string[]; cpu?: string[] }>;
};

describe('Node versions', () => {
    const lowest = semver.minVersion(manifest.engines.node)!.version;

    it(`declares a Node range with a lowest version (${manifest.engines.node})`, () => {
        expect(lowest).toMatch(/^20\./);
    });

    it(`every locked package supports Node ${lowest}, the lowest the project declares`, () => {
        const refusing = Object.entries(lock.packages)
            .filter(([path]) => path !== '')
            .flatMap(([path, entry]) => {
                const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
                return range && !semver.satisfies(lowest, range) ? [`${path.replace(/^node_modules\//, '')} wants node ${range}`] : [];
            });
        expect(refusing).toEqual([]);
    });
});
