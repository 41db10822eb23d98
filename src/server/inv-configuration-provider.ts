/**
 * Langium's configuration provider, asking for `workspace/didChangeConfiguration`
 * registrations only from clients that declared dynamic registration for it: Langium asks
 * every client that reads configuration, and Neovim, which reads it but registers nothing
 * dynamically, logs a warning for it. A server request the client did not declare is not
 * sent (LANGUAGE.md, "Runs from any editor"). Such a client still sends its changes unasked.
 */
import { DefaultConfigurationProvider, type ConfigurationInitializedParams } from 'langium';
import type { InitializeParams } from 'vscode-languageserver';

export class InvConfigurationProvider extends DefaultConfigurationProvider {
    private dynamicRegistration = false;

    override initialize(params: InitializeParams): void {
        super.initialize(params);
        this.dynamicRegistration = params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true;
    }

    override initialized(params: ConfigurationInitializedParams): Promise<void> {
        return super.initialized(this.dynamicRegistration ? params : { ...params, register: undefined });
    }
}
