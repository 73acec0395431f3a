// Runs every test/**/*.test.ts with Node's own test runner (TypeScript through tsx).
// Node 20's `--test` does not expand globs, so the files are listed here.
// Usage: npm test [-- <substring filter on the path>]. Under CI=true a skipped test fails the run.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const filters = process.argv.slice(2);
function walk(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(p));
    else if (entry.name.endsWith(".test.ts")) out.push(p);
  }
  return out;
}
const files = walk(path.join(root, "test"))
  .map((f) => path.relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error("no test files matched");
  process.exit(1);
}
// The spec reporter's output is passed through as it comes and its closing counts are read: under CI
// (CI=true, as .ci/run sets it) a skipped test is a failure, because there everything a test needs is present.
const child = spawn(process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", ...files], {
  cwd: root,
  stdio: ["inherit", "pipe", "inherit"],
});
let tail = "";
child.stdout.on("data", (chunk) => {
  process.stdout.write(chunk);
  tail = (tail + chunk.toString("utf8")).slice(-4096);
});
child.on("close", (status) => {
  const plain = tail.replace(/\x1b\[[0-9;]*m/g, "");
  const skipped = Number(/^\u2139 skipped (\d+)$/m.exec(plain)?.[1] ?? 0);
  if (status === 0 && process.env.CI === "true" && skipped > 0) {
    console.error(`CI=true: ${skipped} skipped test(s) count as failures (see the "# SKIP" lines above)`);
    process.exit(1);
  }
  process.exit(status ?? 1);
});
