/**
 * CSV as the D-set writes it (RFC 4180: comma separated, fields optionally in double quotes, a doubled
 * quote inside quotes, CRLF or LF line ends). Columns are always looked up by name: the column order may
 * differ between files, and pandas may add an unnamed index column.
 */
import fs from "node:fs";
import { InputError } from "../core/errors";

/** A parsed CSV file: the header and the data rows, each a list of raw field strings. */
export interface CsvTable {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/**
 * Parses CSV text. A leading byte-order mark and blank lines are ignored; a row whose field count differs
 * from the header's, an unterminated quote, or a repeated column name is an `InputError` naming `where`
 * (usually the file) and the line.
 */
export function parseCsv(text: string, where: string): CsvTable {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records: { fields: string[]; line: number }[] = [];
  let fields: string[] = [];
  let field = "";
  let inQuotes = false;
  let wasQuoted = false;
  let line = 1;
  let recordLine = 1;
  const endField = () => {
    fields.push(field);
    field = "";
    wasQuoted = false;
  };
  const endRecord = () => {
    const blank = fields.length === 0 && field === "" && !wasQuoted;
    endField();
    if (!blank) records.push({ fields, line: recordLine });
    fields = [];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          inQuotes = false;
        }
      } else {
        if (ch === "\n") line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"') {
      if (field.length > 0) throw new InputError(where, `line ${line}: a quote inside an unquoted field`);
      inQuotes = true;
      wasQuoted = true;
    } else if (ch === ",") {
      endField();
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      if (wasQuoted) throw new InputError(where, `line ${line}: text after a closing quote`);
      field += ch;
    }
  }
  if (inQuotes) throw new InputError(where, `line ${recordLine}: a quoted field is never closed`);
  if (field.length > 0 || fields.length > 0 || wasQuoted) endRecord();
  if (records.length === 0) throw new InputError(where, "empty CSV file (no header line)");
  const header = records[0].fields.map((h) => h.trim());
  const seen = new Set<string>();
  for (const h of header) {
    if (h !== "" && seen.has(h)) throw new InputError(where, `column "${h}" appears twice in the header`);
    seen.add(h);
  }
  const rows: string[][] = [];
  for (let r = 1; r < records.length; r++) {
    const rec = records[r];
    if (rec.fields.length !== header.length) {
      throw new InputError(where, `line ${rec.line}: ${rec.fields.length} fields, the header has ${header.length}`);
    }
    rows.push(rec.fields);
  }
  return { header, rows };
}

/** Reads and parses a CSV file (UTF-8); errors name the file. */
export function readCsvFile(file: string): CsvTable {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new InputError(file, `cannot read the CSV file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  return parseCsv(text, file);
}

/**
 * The rows of `table` as records keyed by column name (every column of the file, names verbatim).
 * Throws an `InputError` naming `where` and every column of `required` that the header lacks.
 */
export function csvRecords(table: CsvTable, required: readonly string[], where: string): Record<string, string>[] {
  const missing = required.filter((c) => !table.header.includes(c));
  if (missing.length > 0) {
    throw new InputError(where, `missing CSV column${missing.length > 1 ? "s" : ""} ${missing.map((c) => `"${c}"`).join(", ")} (found: ${table.header.join(", ")})`);
  }
  return table.rows.map((fields) => {
    const rec: Record<string, string> = {};
    table.header.forEach((name, i) => {
      rec[name] = fields[i];
    });
    return rec;
  });
}

/** Quotes a field when it holds a comma, a quote, a line break or surrounding spaces (RFC 4180). */
function quoteField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Formats a header and rows as CSV text with LF line ends and a final newline. */
export function formatCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const lines = [header.map(quoteField).join(",")];
  for (const row of rows) {
    if (row.length !== header.length) throw new InputError("formatCsv", `a row has ${row.length} fields, the header ${header.length}`);
    lines.push(row.map(quoteField).join(","));
  }
  return lines.join("\n") + "\n";
}
