import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { InputError } from "../../lib/core/errors";
import { csvRecords, formatCsv, parseCsv, readCsvFile } from "../../lib/data/csv";

test("parses quoted fields with commas, doubled quotes and line breaks, CRLF, a BOM and blank lines", () => {
  const text = '\ufeffa,b,c\r\n1,"x, y","say ""hi"""\r\n\r\n2,"two\nlines",\r\n';
  const t = parseCsv(text, "mem.csv");
  assert.deepEqual(t.header, ["a", "b", "c"]);
  assert.deepEqual(t.rows, [
    ["1", "x, y", 'say "hi"'],
    ["2", "two\nlines", ""],
  ]);
});

test("a last line without newline and a quoted empty field are kept", () => {
  const t = parseCsv('a,b\n"",2', "mem.csv");
  assert.deepEqual(t.rows, [["", "2"]]);
});

test("columns are read by name whatever their order", () => {
  const t = parseCsv("p_travel_sec,trace_name,extra\n1.25,NRCA.IV.1_EV,z\n", "f.csv");
  const recs = csvRecords(t, ["trace_name", "p_travel_sec"], "f.csv");
  assert.deepEqual(recs, [{ p_travel_sec: "1.25", trace_name: "NRCA.IV.1_EV", extra: "z" }]);
});

test("missing columns are an InputError naming the file and every missing column", () => {
  const t = parseCsv("trace_name,source_id\nA,1\n", "/data/NRCA_attributes_pre.csv");
  assert.throws(
    () => csvRecords(t, ["trace_name", "p_travel_sec", "source_magnitude"], "/data/NRCA_attributes_pre.csv"),
    (e: unknown) =>
      e instanceof InputError &&
      e.message.startsWith("/data/NRCA_attributes_pre.csv: missing CSV columns") &&
      e.message.includes('"p_travel_sec"') &&
      e.message.includes('"source_magnitude"'),
  );
});

test("malformed CSV is an InputError naming the file and line", () => {
  assert.throws(() => parseCsv("a,b\n1,2,3\n", "bad.csv"), /^InputError: bad.csv: line 2: 3 fields, the header has 2$/);
  assert.throws(() => parseCsv('a,b\n1,"open\n', "bad.csv"), /bad.csv: line 2: a quoted field is never closed/);
  assert.throws(() => parseCsv("a,a\n1,2\n", "bad.csv"), /column "a" appears twice/);
  assert.throws(() => parseCsv("", "empty.csv"), /empty.csv: empty CSV file/);
  assert.throws(() => readCsvFile(path.join(os.tmpdir(), "does-not-exist-seismic-xai.csv")), /cannot read the CSV file \(ENOENT\)/);
});

test("formatCsv quotes only what needs quoting and parses back to the same table", () => {
  const header = ["trace_name", "note"];
  const rows = [
    ["A", "plain"],
    ["B", 'has "quotes", and a comma'],
    ["C", " padded "],
  ];
  const text = formatCsv(header, rows);
  assert.equal(text, 'trace_name,note\nA,plain\nB,"has ""quotes"", and a comma"\nC," padded "\n');
  assert.deepEqual(parseCsv(text, "x").rows, rows);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "csv-"));
  try {
    const file = path.join(dir, "t.csv");
    fs.writeFileSync(file, text);
    assert.deepEqual(readCsvFile(file).rows, rows);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
