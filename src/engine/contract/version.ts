/** The version `inv --version` prints and results record: package.json's, bundled at build time. */
import packageJson from '../../../package.json' with { type: 'json' };

export const INV_VERSION: string = packageJson.version;
