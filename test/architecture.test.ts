/**
 * Import-direction rules of docs/design.md, "Layers": dependencies point one way, lib/shap knows no
 * model library, only lib/notebook imports tslab, and lib/ never imports the notebooks or data folders.
 * Reads the import lines of every file under lib/.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";

const LIB = path.resolve(__dirname, "..", "lib");

/** For each top-level folder of lib/, the folders it may import from (itself included). */
const ALLOWED: Record<string, readonly string[]> = {
  core: ["core"],
  waveform: ["core", "waveform"],
  data: ["core", "waveform", "data"],
  spectrogram: ["core", "waveform", "data", "spectrogram"],
  features: ["core", "waveform", "data", "spectrogram", "features"],
  shap: ["core", "shap"],
  cnn: ["core", "waveform", "data", "spectrogram", "shap", "cnn"],
  forest: ["core", "waveform", "data", "spectrogram", "features", "shap", "forest"],
  plots: ["core", "waveform", "spectrogram", "shap", "plots"],
  notebook: ["core", "waveform", "data", "spectrogram", "features", "shap", "cnn", "forest", "plots", "pipeline", "notebook"],
  pipeline: ["core", "waveform", "data", "spectrogram", "features", "shap", "cnn", "forest", "plots", "pipeline"],
};
/** npm packages that a folder may not import. */
const FORBIDDEN_PACKAGES: Record<string, RegExp> = {
  shap: /^(@tensorflow\/|ml-random-forest|h5wasm)/,
  core: /^(@tensorflow\/|h5wasm)/,
};

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else if (/\.(ts|js|mjs|cjs)$/.test(e.name)) out.push(p);
  }
  return out;
}

function importsOf(file: string): string[] {
  const src = fs.readFileSync(file, "utf8");
  const specs: string[] = [];
  const re = /(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|import\s*\(\s*["']([^"']+)["']\s*\)|require\(\s*["']([^"']+)["']\s*\)|import\s+["']([^"']+)["']/g;
  for (const m of src.matchAll(re)) specs.push(m[1] ?? m[2] ?? m[3] ?? m[4]);
  return specs;
}

const files = walk(LIB);

test("lib/ has source files to check", () => {
  assert.ok(files.length > 5, `only ${files.length} files under lib/`);
});

test("imports between lib/ folders point one way", () => {
  const violations: string[] = [];
  for (const file of files) {
    const rel = path.relative(LIB, file);
    const folder = rel.split(path.sep)[0];
    for (const spec of importsOf(file)) {
      if (spec.endsWith(".ts")) violations.push(`${rel}: imports "${spec}" with a .ts extension (tslab cannot)`);
      if (!spec.startsWith(".")) {
        if (spec === "tslab" && folder !== "notebook") violations.push(`${rel}: only lib/notebook may import tslab`);
        const forbidden = FORBIDDEN_PACKAGES[folder];
        if (forbidden && forbidden.test(spec)) violations.push(`${rel}: lib/${folder} may not import ${spec}`);
        continue;
      }
      const target = path.resolve(path.dirname(file), spec);
      const targetRel = path.relative(LIB, target);
      if (targetRel.startsWith("..")) {
        violations.push(`${rel}: imports "${spec}" from outside lib/`);
        continue;
      }
      if (!fs.existsSync(`${target}.ts`) && fs.existsSync(target) && fs.statSync(target).isDirectory()) {
        // tslab's require hook maps "./x" only to the compiled file "x.js", never to "x/index.js"
        violations.push(`${rel}: imports the folder "${spec}"; name the file ("${spec}/index") so tslab can load it`);
      }
      const targetFolder = targetRel.split(path.sep)[0];
      if (folder.endsWith(".ts")) continue; // lib/index.ts, the public barrel, may import everything
      if (targetFolder === "notebook" && folder !== "notebook") {
        violations.push(`${rel}: nothing but lib/index.ts imports lib/notebook`);
        continue;
      }
      if (folder === "notebook") continue;
      const allowed = ALLOWED[folder];
      if (!allowed) violations.push(`${rel}: folder lib/${folder} has no entry in the import rules`);
      else if (!allowed.includes(targetFolder)) violations.push(`${rel}: lib/${folder} may not import lib/${targetFolder}`);
    }
  }
  assert.deepEqual(violations, []);
});
