/**
 * The editor settings `inv.defaultBackend`, `inv.defaultSolutions`, `inv.defaultSteps`, read
 * from the `inv` section the client sends. `toRunSpec` (shared with the CLI) fills them in
 * where the .inv file leaves a value unset, in place of the language's defaults; the engine
 * records the values it used in the result's `settings`, so a result says what actually ran.
 */
import { BACKEND_CHOICES, type BackendChoice } from '../../engine/contract/spec.js';
import type { RunDefaults } from '../../language/to-spec.js';

const BACKENDS: readonly BackendChoice[] = BACKEND_CHOICES;

/** Reads the `inv` settings section as the client sends it (anything unexpected counts as unset). */
export function parseEditorRunSettings(section: unknown): RunDefaults {
    const s = (section ?? {}) as Record<string, unknown>;
    const positiveInt = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined);
    return {
        backend: BACKENDS.includes(s.defaultBackend as BackendChoice) ? (s.defaultBackend as BackendChoice) : undefined,
        solutions: positiveInt(s.defaultSolutions),
        steps: positiveInt(s.defaultSteps),
    };
}
