/**
 * The editor settings `inv.defaultBackend`, `inv.defaultSolutions`, `inv.defaultSteps` fill only
 * what the .inv file leaves unset. `toRunSpec` (shared with the CLI) fills the language's
 * defaults; this is the one place that replaces those defaults with the user's settings, and
 * only for the values the block does not write. The engine records the values it used in the
 * result's `settings`, so a result says what actually ran.
 */
import { BACKEND_CHOICES, type BackendChoice, type RunSpec } from '../../engine/contract/spec.js';
import { numberField, runBackendField, type RunBlock } from '../../language/ast-fields.js';
import { isInversion } from '../../language/generated/ast.js';

export interface EditorRunSettings {
    defaultBackend: BackendChoice | null;
    defaultSolutions: number | null;
    defaultSteps: number | null;
}

export const NO_EDITOR_SETTINGS: EditorRunSettings = { defaultBackend: null, defaultSolutions: null, defaultSteps: null };

const BACKENDS: readonly BackendChoice[] = BACKEND_CHOICES;

/** Reads the `inv` settings section as the client sends it (anything unexpected counts as unset). */
export function parseEditorRunSettings(section: unknown): EditorRunSettings {
    const s = (section ?? {}) as Record<string, unknown>;
    const positiveInt = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : null);
    return {
        defaultBackend: BACKENDS.includes(s.defaultBackend as BackendChoice) ? (s.defaultBackend as BackendChoice) : null,
        defaultSolutions: positiveInt(s.defaultSolutions),
        defaultSteps: positiveInt(s.defaultSteps),
    };
}

/** Which of the overridable values the block itself writes. */
export function valuesSetByFile(block: RunBlock): { backend: boolean; solutions: boolean; steps: boolean } {
    return {
        backend: runBackendField(block) !== undefined,
        // `solutions` is an inversion key only; a synthesis has `count` instead.
        solutions: isInversion(block) && numberField(block, 'solutions') !== undefined,
        steps: numberField(block, 'steps') !== undefined,
    };
}

export function applyEditorSettings(spec: RunSpec, block: RunBlock, settings: EditorRunSettings): RunSpec {
    const set = valuesSetByFile(block);
    const out: RunSpec = { ...spec };
    if (!set.backend && settings.defaultBackend) out.backend = settings.defaultBackend;
    if (!set.steps && settings.defaultSteps) out.steps = settings.defaultSteps;
    if (out.kind === 'inversion' && !set.solutions && settings.defaultSolutions) out.solutions = settings.defaultSolutions;
    return out;
}
