/**
 * The file system the language services read `.inv` files through (the CLI and the language
 * server): Langium's Node provider, except that a file is read only when it is a regular file
 * of at most FILE_SIZE_LIMITS.invFile (contract/regular-file.ts). A FIFO reached through a
 * link, a device or a huge file is refused with a reason instead of blocking a thread of the
 * server forever or filling its memory. (Folder walks already skip what is not a file.)
 */
import type { URI } from 'langium';
import { NodeFileSystemProvider } from 'langium/node';
import { FILE_SIZE_LIMITS, readRegularFile } from '../engine/contract/regular-file.js';

export class InvFileSystemProvider extends NodeFileSystemProvider {
    override async readFile(uri: URI): Promise<string> {
        // Decoded as UTF-8 whatever it holds: a UTF-16 file is named by the document validator.
        return (await readRegularFile(uri.fsPath, FILE_SIZE_LIMITS.invFile)).toString('utf8');
    }

    override async readBinary(uri: URI): Promise<Uint8Array> {
        return readRegularFile(uri.fsPath, FILE_SIZE_LIMITS.invFile);
    }
}

/** For `createInvServices`, in place of Langium's `NodeFileSystem`. */
export const InvNodeFileSystem = {
    fileSystemProvider: () => new InvFileSystemProvider(),
};
