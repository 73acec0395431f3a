import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { paperComparison, writeSummary } from "../../lib/pipeline/summary";

test("the summary puts the paper's numbers beside ours and names missing files", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "summary-"));
  fs.writeFileSync(path.join(dir, "magnitude.json"), JSON.stringify({
    comparison: [{ quantity: "r2", paper: 0.8834, random: 0.95, groupedByEvent: 0.93 }],
    paper: { topFeatures: ["p_travel_sec"] },
    random: { topFeatures: [{ name: "f10_c2_peak_spectral_power" }] },
  }));
  const { rows, missing } = paperComparison(dir);
  assert.deepEqual(missing.sort(), ["cnn-experiments.json", "shap-all-stations.json", "shap-nrca.json"]);
  const r2 = rows.find((r) => r.quantity.startsWith("r2"))!;
  assert.equal(r2.paper, 0.8834);
  assert.equal(r2.ours, 0.95);
  const text = fs.readFileSync(writeSummary(dir), "utf8");
  assert.match(text, /\| Magnitude forest \(§5, Fig\. 6\) \| r2 \(random split; grouped by event: 0\.9300\) \| 0\.8834 \| 0\.9500 \| magnitude\.json \|/);
  assert.match(text, /Missing results files: cnn-experiments\.json/);
  fs.writeFileSync(path.join(dir, "cnn-experiments.json"), "{ not json");
  assert.throws(() => paperComparison(dir), /cnn-experiments\.json: not valid JSON/);
  fs.rmSync(dir, { recursive: true, force: true });
});
