/**
 * Registers every check with Langium's validation registry. The checks live in
 * src/language/validation/, one validator service per concern (built by the module,
 * inv-module.ts); the ones that read an oracle's files are 'slow' (they are cached by file
 * stamp; the language server runs them too, see src/server/inv-server-module.ts, and
 * `inv check` runs all categories).
 */
import type { ValidationAcceptor, ValidationChecks } from 'langium';
import type { InvAstType, Inversion, Oracle, Synthesis } from './generated/ast.js';
import type { InvServices } from './inv-module.js';
import type { InvNamesValidator } from './validation/inv-names-validator.js';
import type { InvRunValidator } from './validation/inv-run-validator.js';

export function registerValidationChecks(services: InvServices): void {
    const registry = services.validation.ValidationRegistry;
    const { NamesValidator: names, NumbersValidator: numbers, ConstraintValidator: constraints, RunValidator: runs, OracleFilesValidator: oracleFiles, TypedInputsValidator: typed } =
        services.validation;
    const { SynthesisOutputValidator: synthesisOutput, MemoryValidator: memory } = services.validation;

    const fast: ValidationChecks<InvAstType> = {
        InvFile: (file, accept) => names.checkUniqueBlockNames(file, accept),
        Oracle: [
            (o, accept) => names.checkNotEmpty(o, accept),
            (o, accept) => names.checkOracleRequiredFields(o, accept),
            (o, accept) => names.checkDuplicateFields(o, accept),
            (o, accept) => names.checkUniqueColumnNames(o, accept),
            (o, accept) => oracleFiles.checkTrainingWithoutData(o, accept),
        ],
        FeatureDecl: [
            (f, accept) => names.checkNotEmpty(f, accept),
            (f, accept) => typed.checkFeatureDecl(f, accept),
        ],
        BoundField: (b, accept) => typed.checkBound(b, accept),
        OutputDecl: (o, accept) => names.checkNotEmpty(o, accept),
        Constraint: [
            (c, accept) => names.checkNotEmpty(c, accept),
            (c, accept) => names.checkConstraintHasPieces(c, accept),
            (c, accept, cancelToken) => constraints.checkReachablePieces(c, accept, cancelToken),
        ],
        VarRef: (v, accept) => constraints.checkVariable(v, accept),
        CallExpr: (c, accept) => constraints.checkCall(c, accept),
        Inversion: [...runChecks(names, runs), (b, accept) => typed.checkRelations(b, accept), (b, accept) => memory.checkRun(b, accept)],
        Synthesis: [...runChecks(names, runs), (b, accept) => typed.checkRelations(b, accept), (b, accept) => memory.checkRun(b, accept)],
        GeneratorMethod: (g, accept) => names.checkDuplicateFields(g, accept),
        NumberField: (f, accept) => numbers.checkNumberField(f, accept),
        LayersField: (f, accept) => numbers.checkLayers(f, accept),
        TargetField: (t, accept) => numbers.checkTarget(t, accept),
        FixItem: [
            (i, accept) => numbers.checkFixItem(i, accept),
            (i, accept) => typed.checkFixItem(i, accept),
        ],
        NumberLit: (n, accept) => numbers.checkNumberLit(n, accept),
        Interval: (i, accept) => numbers.checkInterval(i, accept),
    };
    registry.register(fast, undefined, 'fast');

    const slow: ValidationChecks<InvAstType> = {
        Oracle: [
            (o: Oracle, accept: ValidationAcceptor) => oracleFiles.checkModel(o, accept),
            (o: Oracle, accept: ValidationAcceptor) => oracleFiles.checkDataFiles(o, accept),
            (o: Oracle, accept: ValidationAcceptor) => oracleFiles.checkClassLabels(o, accept),
            (o: Oracle, accept: ValidationAcceptor) => memory.checkTraining(o, accept),
        ],
        Inversion: [
            (b: Inversion, accept: ValidationAcceptor) => runs.checkAgainstOracle(b, accept),
            (b: Inversion, accept: ValidationAcceptor) => typed.checkRelationsFeasible(b, accept),
        ],
        Synthesis: [
            (b: Synthesis, accept: ValidationAcceptor) => runs.checkAgainstOracle(b, accept),
            (b: Synthesis, accept: ValidationAcceptor) => runs.checkLikeFile(b, accept),
            (b: Synthesis, accept: ValidationAcceptor) => typed.checkRelationsFeasible(b, accept),
            (b: Synthesis, accept: ValidationAcceptor) => synthesisOutput.checkOutput(b, accept),
        ],
    };
    registry.register(slow, undefined, 'slow');
}

function runChecks(names: InvNamesValidator, runs: InvRunValidator) {
    return [
        (b: Inversion | Synthesis, accept: ValidationAcceptor) => names.checkNotEmpty(b, accept),
        (b: Inversion | Synthesis, accept: ValidationAcceptor) => names.checkRunRequiredFields(b, accept),
        (b: Inversion | Synthesis, accept: ValidationAcceptor) => names.checkDuplicateFields(b, accept),
        (b: Inversion | Synthesis, accept: ValidationAcceptor) => runs.checkTargets(b, accept),
        (b: Inversion | Synthesis, accept: ValidationAcceptor) => runs.checkFeatures(b, accept),
    ];
}
