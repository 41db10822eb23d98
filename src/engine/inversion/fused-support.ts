/**
 * Whether a run can go to the fused kernel, and if not, why (the reason goes into the
 * result's note when the fused backend was chosen but TF.js ran). The kernel runs dense
 * chains (inv-trained models, TF.js Layers Dense models) with any activation of the
 * language and a softmax head, every target kind, box/none/constraint transforms.
 */
import { constraintCode } from '../nn/fused/constraint-code.js';
import type { FeatureTransforms } from './feature-transform.js';
import { kernelAvailable } from '../nn/fused/kernel.js';
import { kernelActivation, type LayerWeights } from '../nn/fused/kernel-net.js';
import type { Oracle } from '../oracle/oracle.js';

export type FusedSupport = { ok: true; oracleLayers: LayerWeights[] } | { ok: false; why: string };

export async function fusedSupport(oracle: Oracle, transforms: FeatureTransforms): Promise<FusedSupport> {
    // Labels and `require` relations have transforms of their own (categorical-relaxation.ts,
    // polytope-map.ts) that the kernel does not compute: TF.js runs those (the finish, which
    // makes answers whole, one label and exact, runs after either).
    if (!transforms.scalarOnly) return { ok: false, why: 'categorical inputs and `require` relations run on TF.js' };
    const kernel = kernelAvailable();
    if (!kernel.ok) return { ok: false, why: kernel.why };
    const layers = await oracle.denseLayers();
    if (!layers) return { ok: false, why: `oracle ${oracle.name} is not a chain of dense layers` };
    const unsupported = layers.find((l) => !kernelActivation(l.activation));
    if (unsupported) return { ok: false, why: `the fused kernel has no ${unsupported.activation} activation` };
    for (const f of transforms.free) {
        const t = f.feature.transform;
        if (t.kind === 'constraint' && constraintCode(t.constraint) === null) return { ok: false, why: `constraint ${t.constraint.name} nests too deep for the fused kernel` };
    }
    return { ok: true, oracleLayers: layers };
}
