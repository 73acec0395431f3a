import { InputError, assertInput } from "../core/errors";
import { RED_TRANSPARENT_BLUE } from "./colors";
import type { Annotation, Figure, HeatmapTrace, Shape } from "./figure";
import { definedOnly } from "./options";
import { pArrivalLabel, pArrivalLine } from "./p-arrival";
import { assertAscending, assertLength, axis, axisRef, baseLayout, edgeRange, panelTitle, setAxis } from "./style";
import { timeFrequencyHeatmap } from "./time-frequency-heatmap";

export interface ClassAveragedShapMapPlotInput {
  /** One map per class, each H × W row-major (row 0 = 0 Hz, column = time), e.g. `ClassMap.map`. */
  maps: ReadonlyArray<ArrayLike<number>>;
  /** One name per map (panel titles), e.g. ["Foreshocks", "Aftershocks"]. */
  classNames: readonly string[];
  /** Images averaged per class, shown in the panel titles when given. */
  counts?: readonly number[];
  /** Frequency of each row in Hz, ascending (H). */
  freqsHz: ArrayLike<number>;
  /** Time of each column in s, ascending (W). */
  timesS: ArrayLike<number>;
  /** P arrival in s (default 5, where every D-set window puts it). */
  pArrivalS?: number;
  title: string;
  /** Colour limit m (maps span −m … m); default: max |value| over all maps, shared so panels compare. */
  vmax?: number;
}

/**
 * Class-averaged maps with their axes, what `explainCnnClassMaps` returns: one map per class (H × W, row 0 =
 * 0 Hz) with its name and image count.
 */
export interface ClassMapsWithAxes {
  readonly classes: ReadonlyArray<{ readonly name: string | null; readonly map: ArrayLike<number>; readonly count: number }>;
  readonly freqsHz: ArrayLike<number>;
  readonly timesS: ArrayLike<number>;
  readonly pArrivalS?: number;
}

/** What a user may change on `plots.classAveragedShapMap(maps, options)`. */
export interface ClassAveragedShapMapOptions {
  /** @default "Class-averaged SHAP maps" */
  title?: string;
  /** Colour limit m (maps span −m … m). @default max |value| over the maps */
  vmax?: number;
  pArrivalS?: number;
}

/**
 * The class-averaged SHAP maps of paper Fig. 3 and 4 (docs/paper-pipeline.md §4): one panel per class, time in s
 * on x, frequency in Hz on y with 0 Hz at the bottom (the paper draws row 0 at the top and labels it
 * 50 Hz, mirroring its bands), the P arrival marked at 5 s, shap's `red_transparent_blue` between
 * symmetric limits shared by the panels, and a colour bar titled "Contribution".
 *
 * Takes the class maps with their axes (`plots.classAveragedShapMap(maps)` for the result of
 * `explainCnnClassMaps`), or the plain arrays.
 */
export function classAveragedShapMap(maps: ClassMapsWithAxes, options?: ClassAveragedShapMapOptions): Figure;
export function classAveragedShapMap(input: ClassAveragedShapMapPlotInput): Figure;
export function classAveragedShapMap(source: ClassMapsWithAxes | ClassAveragedShapMapPlotInput, options: ClassAveragedShapMapOptions = {}): Figure {
  const input: ClassAveragedShapMapPlotInput =
    "classes" in source
      ? {
          maps: source.classes.map((c) => c.map),
          classNames: source.classes.map((c, i) => c.name ?? `class ${i}`),
          counts: source.classes.map((c) => c.count),
          freqsHz: source.freqsHz,
          timesS: source.timesS,
          pArrivalS: options.pArrivalS ?? source.pArrivalS,
          title: options.title ?? "Class-averaged SHAP maps",
          vmax: options.vmax,
        }
      : { ...source, ...definedOnly(options) };
  const where = "plots.classAveragedShapMap";
  const h = input.freqsHz.length, w = input.timesS.length, nClasses = input.maps.length;
  assertInput(nClasses > 0, where, "maps is empty");
  assertLength(input.classNames, nClasses, where, "classNames");
  if (input.counts) assertLength(input.counts, nClasses, where, "counts");
  assertAscending(input.freqsHz, where, "freqsHz");
  assertAscending(input.timesS, where, "timesS");
  input.maps.forEach((m, i) => assertLength(m, h * w, where, `maps[${i}] (H x W = ${h} x ${w})`));
  const pArrivalS = input.pArrivalS ?? 5;
  assertInput(Number.isFinite(pArrivalS), where, `pArrivalS must be finite, got ${pArrivalS}`);
  let m = input.vmax;
  if (m === undefined) {
    m = 0;
    for (const map of input.maps) for (let i = 0; i < map.length; i++) if (Number.isFinite(map[i])) m = Math.max(m, Math.abs(map[i]));
    // All-zero maps: any positive limit draws them transparent.
    if (!(m > 0)) m = 1;
  }
  if (!(m > 0 && Number.isFinite(m))) throw new InputError(where, `vmax must be positive and finite, got ${m}`);

  // at most 950 px wide, so the figure and its colour bar fit a notebook column of about 1,000 px
  const layout = baseLayout(input.title, Math.min(950, 480 * nClasses + 150), 430, { l: 75, r: 130, t: 90, b: 60 });
  const gap = 0.08;
  const colWidth = (1 - gap * (nClasses - 1)) / nClasses;
  const timeRange = edgeRange(input.timesS), freqRange = edgeRange(input.freqsHz);
  const data: HeatmapTrace[] = [];
  const shapes: Shape[] = [];
  const annotations: Annotation[] = [];
  for (let i = 0; i < nClasses; i++) {
    const n = i + 1, xref = axisRef("x", n), yref = axisRef("y", n);
    const x0 = i * (colWidth + gap);
    setAxis(layout, "x", n, axis("Time (s)", { domain: [x0, x0 + colWidth], anchor: yref, range: timeRange }));
    setAxis(layout, "y", n, axis(i === 0 ? "Frequency (Hz)" : "", { anchor: xref, range: freqRange }));
    data.push(
      timeFrequencyHeatmap({
        values: input.maps[i],
        freqsHz: input.freqsHz,
        timesS: input.timesS,
        name: input.classNames[i],
        xaxis: xref,
        yaxis: yref,
        colorscale: RED_TRANSPARENT_BLUE,
        zmin: -m,
        zmax: m,
        showscale: i === 0,
        colorbar: { title: { text: "Contribution", side: "right" }, thickness: 14, outlinewidth: 0, x: 1.03 },
        valueLabel: "mean SHAP ",
      }),
    );
    shapes.push(pArrivalLine(xref, `${yref} domain`, pArrivalS));
    annotations.push(pArrivalLabel(xref, `${yref} domain`, pArrivalS));
    const count = input.counts ? ` (n = ${input.counts[i]})` : "";
    annotations.push(panelTitle(input.classNames[i] + count, xref));
  }
  layout.shapes = shapes;
  layout.annotations = annotations;
  return { data, layout };
}
