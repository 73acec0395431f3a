/**
 * The `Figure` every `plots.*` function returns: a Plotly figure as plain JSON (`data` traces + `layout`),
 * the same object `Plotly.newPlot(div, fig.data, fig.layout)` takes. Being data, a figure can be tested
 * without a browser, stored as JSON, shown interactively by plotly.js or drawn statically by `toSvg`.
 *
 * The types below cover exactly the part of Plotly's schema our plots use (and `toSvg` draws); their field
 * names are Plotly's own (snake_case where Plotly has it, e.g. `plot_bgcolor`). All numbers are finite:
 * a gap in a line is `null`, as Plotly expects.
 */

/** A Plotly colour scale: `[position in [0, 1], CSS colour]` pairs with ascending positions. */
export type Colorscale = Array<[number, string]>;

export interface Font {
  family?: string;
  size?: number;
  color?: string;
}

/** Plotly's `colorbar` of a heatmap or of scatter markers coloured by value. */
export interface ColorBar {
  title?: { text: string; side?: "top" | "bottom" | "right" };
  orientation?: "v" | "h";
  /** Position in paper fractions of the plotting area (Plotly's default x = 1.02, y = 0.5). */
  x?: number;
  y?: number;
  xanchor?: "left" | "center" | "right";
  yanchor?: "top" | "middle" | "bottom";
  /** Length as a fraction of the plotting area (`lenmode: "fraction"`). */
  len?: number;
  /** Thickness in px. */
  thickness?: number;
  tickvals?: number[];
  ticktext?: string[];
  outlinewidth?: number;
  tickfont?: Font;
}

export interface LineStyle {
  color?: string;
  width?: number;
  /** "solid" | "dot" | "dash" | "longdash" | "dashdot", or a px list such as "1px,5px". */
  dash?: string;
}

export interface ScatterTrace {
  type: "scatter";
  x: Array<number | null>;
  y: Array<number | null>;
  mode: "lines" | "markers" | "lines+markers";
  name?: string;
  /** Axis ids: "x", "x2", … and "y", "y2", … (Plotly's trace-to-axis references). */
  xaxis?: string;
  yaxis?: string;
  line?: LineStyle;
  marker?: {
    /** One colour, or one number per point mapped through `colorscale` between `cmin` and `cmax`. */
    color?: string | number[];
    /** Diameter in px. */
    size?: number;
    opacity?: number;
    colorscale?: Colorscale;
    cmin?: number;
    cmax?: number;
    showscale?: boolean;
    colorbar?: ColorBar;
    line?: { color?: string; width?: number };
  };
  /** "toself" closes the trace into a filled polygon (used for spread bands). */
  fill?: "none" | "toself";
  fillcolor?: string;
  showlegend?: boolean;
  text?: string[];
  /** Per-point values a `hovertemplate` shows as `%{customdata}` (not drawn). */
  customdata?: Array<number | string>;
  hovertemplate?: string;
  hoverinfo?: string;
}

export interface BarTrace {
  type: "bar";
  orientation: "h" | "v";
  /** Bar lengths along the value axis (x for "h"), bar positions along the other. */
  x: number[];
  y: number[];
  /** Start of each bar on the value axis (default 0). */
  base?: number[];
  /** Bar thickness in data units of the position axis. */
  width?: number;
  marker: { color: string | string[]; line?: { color?: string; width?: number } };
  name?: string;
  xaxis?: string;
  yaxis?: string;
  showlegend?: boolean;
  /** Per-bar hover text (`%{hovertext}` in a `hovertemplate`); not drawn on the bars. */
  hovertext?: string[];
  /** Per-bar values a `hovertemplate` shows as `%{customdata}` (not drawn). */
  customdata?: number[];
  hovertemplate?: string;
  hoverinfo?: string;
}

export interface HeatmapTrace {
  type: "heatmap";
  /** Rows follow `y` (z[i][j] is at y[i], x[j]); cell centres are x and y. */
  z: Array<Array<number | null>>;
  x: number[];
  y: number[];
  colorscale: Colorscale;
  zmin: number;
  zmax: number;
  zsmooth?: false;
  showscale?: boolean;
  colorbar?: ColorBar;
  name?: string;
  xaxis?: string;
  yaxis?: string;
  hovertemplate?: string;
  hoverinfo?: string;
}

export interface TableTrace {
  type: "table";
  /** Paper fractions of the plotting area the table occupies. */
  domain?: { x?: [number, number]; y?: [number, number] };
  /** Relative column widths. */
  columnwidth?: number[];
  header: {
    values: string[];
    align?: Array<"left" | "center" | "right">;
    fill?: { color?: string };
    font?: Font;
    line?: { color?: string; width?: number };
    height?: number;
  };
  /** `values[column][row]` (column-major, as Plotly wants). */
  cells: {
    values: string[][];
    align?: Array<"left" | "center" | "right">;
    fill?: { color?: string };
    font?: Font;
    line?: { color?: string; width?: number };
    height?: number;
  };
}

export type PlotlyTrace = ScatterTrace | BarTrace | HeatmapTrace | TableTrace;

export interface Axis {
  title?: { text: string; font?: Font; standoff?: number };
  /** Fraction of the plotting area this axis spans. */
  domain?: [number, number];
  /** The perpendicular axis this one is drawn along ("y", "y2", … for an x axis). */
  anchor?: string;
  /** Side the axis line, ticks and labels sit on. */
  side?: "bottom" | "top" | "left" | "right";
  type?: "linear" | "log";
  /** Axis range in data units (in log10 units for `type: "log"`, as in Plotly). */
  range?: [number, number];
  autorange?: boolean | "reversed";
  tickvals?: number[];
  ticktext?: string[];
  /** Tick spacing in data units (log10 units on log axes). */
  dtick?: number;
  ticks?: "outside" | "inside" | "";
  ticklen?: number;
  tickcolor?: string;
  tickfont?: Font;
  showticklabels?: boolean;
  showgrid?: boolean;
  gridcolor?: string;
  zeroline?: boolean;
  zerolinecolor?: string;
  zerolinewidth?: number;
  showline?: boolean;
  linecolor?: string;
  linewidth?: number;
  visible?: boolean;
  fixedrange?: boolean;
  exponentformat?: "none" | "power" | "e";
  /** Another axis whose range this one copies (Plotly's linked subplots). */
  matches?: string;
}

export interface Shape {
  type: "line" | "rect" | "path";
  /** "paper", an axis id ("x2") or an axis id + " domain" (fractions of that axis' extent). */
  xref: string;
  yref: string;
  x0?: number;
  y0?: number;
  x1?: number;
  y1?: number;
  /** For `type: "path"`: "M x,y L x,y … Z" in the units of xref/yref. */
  path?: string;
  line?: LineStyle;
  fillcolor?: string;
  opacity?: number;
  layer?: "above" | "below";
}

export interface Annotation {
  text: string;
  x: number;
  y: number;
  xref: string;
  yref: string;
  showarrow: false;
  xanchor?: "left" | "center" | "right";
  yanchor?: "top" | "middle" | "bottom";
  align?: "left" | "center" | "right";
  font?: Font;
  /** Rotation in degrees, clockwise (Plotly's convention). */
  textangle?: number;
  /** Offsets in px (right and up positive, as in Plotly). */
  xshift?: number;
  yshift?: number;
  bgcolor?: string;
}

/** A raster placed in data or paper coordinates (Plotly's `layout.images`); the top-left corner is (x, y). */
export interface LayoutImage {
  /** A data URI (image/png). */
  source: string;
  xref: string;
  yref: string;
  x: number;
  y: number;
  sizex: number;
  sizey: number;
  xanchor: "left";
  yanchor: "top";
  sizing: "stretch";
  opacity: number;
  layer: "above" | "below";
}

export interface Legend {
  x?: number;
  y?: number;
  xanchor?: "left" | "center" | "right";
  yanchor?: "top" | "middle" | "bottom";
  orientation?: "v" | "h";
  bgcolor?: string;
  bordercolor?: string;
  borderwidth?: number;
  font?: Font;
}

export interface Layout {
  title: { text: string; font?: Font; x?: number };
  /** Figure size in px. */
  width: number;
  height: number;
  /** Margins in px around the plotting area. */
  margin: { l: number; r: number; t: number; b: number };
  font?: Font;
  paper_bgcolor?: string;
  plot_bgcolor?: string;
  showlegend?: boolean;
  legend?: Legend;
  shapes?: Shape[];
  annotations?: Annotation[];
  images?: LayoutImage[];
  xaxis?: Axis;
  yaxis?: Axis;
  /** xaxis2, yaxis2, …: further subplot axes. */
  [axis: `${"x" | "y"}axis${number}`]: Axis | undefined;
}

/** A Plotly figure as plain JSON. */
export interface Figure {
  data: PlotlyTrace[];
  layout: Layout;
}
