// D-set folders for the cache tests: generated once per test file, copied to change "the data set in a folder".
import fs from "node:fs";
import path from "node:path";
import { generateNorciaDataset } from "../../lib/data/index";
import { formatCsv, parseCsv } from "../../lib/data/csv";

/** Generates a tiny D-set (silently). */
export async function tinyDSet(dir: string, seed: number, stations: string[]): Promise<string> {
  await generateNorciaDataset({ outDir: dir, seed, scale: "tiny", stations, progress: () => {} });
  return dir;
}

/** Replaces the D-set in `target` by a copy of the one in `source` (another download unpacked in the same folder). */
export function replaceDSet(source: string, target: string, options: { preserveTimestamps?: boolean } = {}): void {
  fs.rmSync(target, { recursive: true, force: true });
  fs.cpSync(source, target, { recursive: true, preserveTimestamps: options.preserveTimestamps ?? false });
}

/** Sets one CSV field of the trace `traceName` (looked up in every attributes CSV of `dir`). */
export function setCsvField(dir: string, traceName: string, column: string, value: string): void {
  for (const name of fs.readdirSync(dir).filter((f) => f.endsWith(".csv"))) {
    const file = path.join(dir, name);
    const table = parseCsv(fs.readFileSync(file, "utf8"), file);
    const rowIndex = table.rows.findIndex((r) => r[table.header.indexOf("trace_name")] === traceName);
    if (rowIndex < 0) continue;
    const rows = table.rows.map((r) => [...r]);
    rows[rowIndex][table.header.indexOf(column)] = value;
    fs.writeFileSync(file, formatCsv(table.header, rows));
    return;
  }
  throw new Error(`no trace ${traceName} in ${dir}`);
}
