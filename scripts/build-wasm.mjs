// Compiles the project's WebAssembly kernels from their AssemblyScript sources (lib/**/assembly/*.ts) with
// the pinned assemblyscript devDependency. The .wasm files are committed so that neither users nor notebooks
// need a compiler; `--check` compiles in memory and fails if a committed module differs from its source
// (a test runs it).
// Usage: npm run build:wasm [-- --check]
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** source (AssemblyScript) -> module (committed .wasm), relative to the repository root, and extra flags */
const KERNELS = [
  ["lib/shap/maskers/assembly/inpaint-telea.ts", "lib/shap/maskers/inpaint-telea.wasm", []],
  // These three work in the memory of tf.js' wasm backend, which they import (lib/cnn/backend-memory-kernels.ts).
  ["lib/cnn/assembly/batch-norm-kernels.ts", "lib/cnn/batch-norm-kernels.wasm", ["--importMemory", "--noExportMemory"]],
  ["lib/cnn/assembly/conv-kernels.ts", "lib/cnn/conv-kernels.wasm", ["--importMemory", "--noExportMemory"]],
  ["lib/cnn/assembly/adam-kernel.ts", "lib/cnn/adam-kernel.wasm", ["--importMemory", "--noExportMemory"]],
  // The same update on the shared memory of data-parallel training's threads (lib/cnn/shared-adam.ts); an
  // imported shared memory must declare a maximum, here the whole 32-bit space (65536 pages).
  ["lib/cnn/assembly/adam-kernel.ts", "lib/cnn/shared-adam-kernel.wasm", ["--importMemory", "--noExportMemory", "--sharedMemory", "--maximumMemory", "65536", "--enable", "threads"]],
];

// Speed-optimised release build; the stub runtime (no allocator or GC: the kernels manage their memory), no
// imports (no abort), and SIMD (Node 16.4+). The flags are part of the build: a change shows up in --check.
const FLAGS = ["--optimizeLevel", "3", "--shrinkLevel", "0", "--noAssert", "--runtime", "stub", "--enable", "simd", "--use", "abort="];

const check = process.argv.includes("--check");
const asc = await import("assemblyscript/asc");
let failed = 0;
for (const [source, module, extraFlags] of KERNELS) {
  const outputs = new Map();
  const stderr = asc.createMemoryStream();
  const { error } = await asc.main([source, "--outFile", module, ...FLAGS, ...extraFlags], {
    stdout: asc.createMemoryStream(),
    stderr,
    baseDir: root,
    writeFile: (name, contents) => outputs.set(path.normalize(name), contents),
  });
  if (error) {
    console.error(`${source}: does not compile\n${stderr.toString()}`);
    failed++;
    continue;
  }
  const built = outputs.get(path.normalize(module));
  if (!built) {
    console.error(`${source}: the compiler wrote no ${module} (wrote: ${[...outputs.keys()].join(", ") || "nothing"})`);
    failed++;
    continue;
  }
  const target = path.join(root, module);
  if (check) {
    const committed = fs.existsSync(target) ? fs.readFileSync(target) : null;
    if (committed === null || !Buffer.from(built).equals(committed)) {
      console.error(`${module}: ${committed === null ? "missing" : "differs from what " + source + " compiles to"}; run \`npm run build:wasm\` and commit it`);
      failed++;
    } else {
      console.log(`${module}: up to date with ${source} (${built.length} bytes)`);
    }
  } else {
    const temp = `${target}.tmp-${process.pid}`;
    fs.writeFileSync(temp, built);
    fs.renameSync(temp, target);
    console.log(`${module}: ${built.length} bytes from ${source}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
