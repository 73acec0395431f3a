import path from "node:path";
import { writeFileAtomic } from "../core/atomic";
import { InputError } from "../core/errors";

/**
 * Writes `value` as `<resultsDir>/<fileName>` atomically (a temporary file, then a rename) and returns the
 * path. The experiment result files (results/*.json) are read by the notebooks and by people, so:
 * - typed arrays become plain JSON arrays (`JSON.stringify` would write a Float64Array as an object keyed
 *   "0", "1", ...);
 * - NaN and ±Infinity become null, as `JSON.stringify` writes them, so a reader never meets invalid JSON;
 * - arrays of numbers, strings, booleans and nulls are printed on one line, and so are short objects of
 *   them (a table row), everything else indented by two spaces, which keeps a file of a few thousand
 *   predictions readable and diffable.
 * @param fileName a plain file name such as "magnitude.json" (no folders)
 * @throws InputError for a file name with a folder part, or a value that holds a function, a cycle or a bigint
 */
export function writeResultJson(resultsDir: string, fileName: string, value: unknown): string {
  if (fileName !== path.basename(fileName) || !fileName.endsWith(".json")) {
    throw new InputError("writeResultJson", `fileName must be a plain *.json file name, got ${JSON.stringify(fileName)}`);
  }
  const file = path.join(resultsDir, fileName);
  writeFileAtomic(file, formatResultJson(value) + "\n");
  return file;
}

/** The text `writeResultJson` writes (without the final newline). */
export function formatResultJson(value: unknown): string {
  return format(value, "", new Set(), "value");
}

/** Objects of primitives that fit in this many characters are printed on one line. */
const MAX_LINE = 160;

function format(value: unknown, indent: string, seen: Set<object>, where: string): string {
  if (value === null || value === undefined) return "null";
  switch (typeof value) {
    case "number":
      return Number.isFinite(value) ? JSON.stringify(value) : "null";
    case "string":
    case "boolean":
      return JSON.stringify(value);
    case "bigint":
    case "function":
    case "symbol":
      throw new InputError("writeResultJson", `${where} is a ${typeof value}, which JSON cannot hold`);
  }
  const obj = value as object;
  if (ArrayBuffer.isView(obj) && !(obj instanceof DataView)) return format(Array.from(obj as unknown as ArrayLike<number>), indent, seen, where);
  if (typeof (obj as { toJSON?: unknown }).toJSON === "function") return format((obj as { toJSON(): unknown }).toJSON(), indent, seen, where);
  if (seen.has(obj)) throw new InputError("writeResultJson", `${where} refers back to itself (a cycle)`);
  seen.add(obj);
  const inner = indent + "  ";
  let text: string;
  if (Array.isArray(obj)) {
    if (obj.length === 0) text = "[]";
    else if (obj.every((v) => v === null || v === undefined || typeof v !== "object")) {
      text = "[" + obj.map((v, i) => format(v, inner, seen, `${where}[${i}]`)).join(", ") + "]";
    } else {
      text = "[\n" + obj.map((v, i) => inner + format(v, inner, seen, `${where}[${i}]`)).join(",\n") + "\n" + indent + "]";
    }
  } else {
    // Like JSON.stringify, leave out undefined members.
    const entries = Object.entries(obj).filter(([, v]) => v !== undefined);
    const members = entries.map(([k, v]) => `${JSON.stringify(k)}: ${format(v, inner, seen, `${where}.${k}`)}`);
    const flat = entries.every(([, v]) => v === null || typeof v !== "object");
    const oneLine = `{ ${members.join(", ")} }`;
    if (entries.length === 0) text = "{}";
    else if (flat && indent.length + oneLine.length <= MAX_LINE) text = oneLine;
    else text = "{\n" + members.map((m) => inner + m).join(",\n") + "\n" + indent + "}";
  }
  seen.delete(obj);
  return text;
}
