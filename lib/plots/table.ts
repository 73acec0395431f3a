import { InputError, assertInput } from "../core/errors";
import { AXIS_COLOR } from "./colors";
import type { Figure } from "./figure";
import { sprintfNumber } from "./format";
import { baseLayout } from "./style";
import { textWidthPx } from "./svg-text";

export interface TablePlotInput {
  columns: readonly string[];
  /** Rows of cells; numbers are printed with `numberFormat`, integers as they are. */
  rows: ReadonlyArray<ReadonlyArray<string | number>>;
  title: string;
  /** printf format for non-integer numbers (default "%.4f", the paper's precision). */
  numberFormat?: string;
}

/**
 * A table as a figure (Plotly's table trace), for results such as the leave-one-station-out accuracies
 * (docs/paper-pipeline.md §1 lists the nine stations): bold header on grey, text columns left-aligned and
 * numeric columns right-aligned, column widths from their content.
 */
export function table(input: TablePlotInput): Figure {
  const where = "plots.table";
  const nCols = input.columns.length;
  assertInput(nCols > 0, where, "columns is empty");
  const format = input.numberFormat ?? "%.4f";
  const cells: string[][] = input.columns.map(() => []);
  const numeric = input.columns.map(() => true);
  input.rows.forEach((row, r) => {
    if (row.length !== nCols) throw new InputError(where, `row ${r} has ${row.length} cells, expected ${nCols}`);
    row.forEach((v, c) => {
      if (typeof v === "number") {
        cells[c].push(Number.isInteger(v) ? String(v).replace(/^-/, "\u2212") : sprintfNumber(format, v).replace(/^-/, "\u2212"));
      } else {
        cells[c].push(v);
        numeric[c] = false;
      }
    });
  });
  const widths = input.columns.map((name, c) => Math.max(textWidthPx(name, 13) * 1.1, ...cells[c].map((s) => textWidthPx(s, 12))) + 24);
  const tableWidth = widths.reduce((a, b) => a + b, 0);
  const headerHeight = 30, cellHeight = 26;
  const margin = { l: 20, r: 20, t: 60, b: 20 };
  const layout = baseLayout(
    input.title,
    Math.max(400, tableWidth + margin.l + margin.r),
    margin.t + margin.b + headerHeight + cellHeight * input.rows.length,
    margin,
  );
  const align = numeric.map((isNumber) => (isNumber && input.rows.length > 0 ? ("right" as const) : ("left" as const)));
  return {
    data: [
      {
        type: "table",
        domain: { x: [0, Math.min(1, tableWidth / (layout.width - margin.l - margin.r))], y: [0, 1] },
        columnwidth: widths.map((w) => Math.round(w)),
        header: {
          values: [...input.columns],
          align,
          fill: { color: "#f0f0f0" },
          font: { size: 13, color: AXIS_COLOR },
          line: { color: "#cccccc", width: 1 },
          height: headerHeight,
        },
        cells: {
          values: cells,
          align,
          fill: { color: "#ffffff" },
          font: { size: 12, color: AXIS_COLOR },
          line: { color: "#cccccc", width: 1 },
          height: cellHeight,
        },
      },
    ],
    layout,
  };
}
