/**
 * The public entry point stays small: what notebooks and users call (issue 13 bounds it at about 100 names,
 * types included; shap's top level has about 50). Internals are imported by their own path.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import ts from "typescript";

const INDEX = path.resolve(__dirname, "..", "lib", "index.ts");
const MAX_NAMES = 100;

/** Every name lib/index.ts exports (values, types and namespaces), as the compiler resolves them. */
function exportedNames(): string[] {
  const program = ts.createProgram([INDEX], {
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ["node"],
  });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(INDEX)!);
  assert.ok(module, "lib/index.ts is not a module");
  return checker.getExportsOfModule(module).map((s) => s.getName()).sort();
}

test(`lib/index.ts exports at most ${MAX_NAMES} names`, () => {
  const names = exportedNames();
  assert.ok(names.length > 20, `only ${names.length} names: the entry point is broken`);
  assert.ok(names.length <= MAX_NAMES, `lib/index.ts exports ${names.length} names (at most ${MAX_NAMES}): ${names.join(", ")}`);
});

test("the entry point holds what the notebooks call, and no test oracle or kernel internal", () => {
  const names = new Set(exportedNames());
  for (const name of ["setupNotebook", "studySettings", "plots", "loadCnnExperiment", "explainCnnClassMaps", "Explanation", "TreeExplainer", "PartitionExplainer"]) {
    assert.ok(names.has(name), `${name} is missing`);
  }
  for (const name of ["bruteForceTreeShap", "exactOwenValues", "saabasValues", "sharedDir", "batchNormPoolRelu", "registerWasmTrainingKernels", "RealDft", "pairwiseSum"]) {
    assert.ok(!names.has(name), `${name} is an internal or a test oracle`);
  }
});
