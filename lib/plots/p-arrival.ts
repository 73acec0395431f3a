import { SHAP_RED } from "./colors";
import type { Annotation, Shape } from "./figure";

/**
 * The P-arrival marker of waveform, spectrogram and SHAP-map plots (docs/paper-pipeline.md §1 and §4: P at 5 s
 * in every D-set window): a dashed vertical line over a whole subplot in shap's red, drawn above the data so that
 * opaque heatmaps do not hide it.
 * `xref` is the subplot's x axis ("x2"), `yref` its y domain ("y2 domain").
 */
export function pArrivalLine(xref: string, yref: string, pArrivalS: number): Shape {
  return {
    type: "line",
    xref,
    yref,
    x0: pArrivalS,
    x1: pArrivalS,
    y0: 0,
    y1: 1,
    line: { color: SHAP_RED, width: 1.5, dash: "dash" },
    layer: "above",
  };
}

/** The "P" label at the top of `pArrivalLine`. */
export function pArrivalLabel(xref: string, yref: string, pArrivalS: number): Annotation {
  return {
    text: "P",
    x: pArrivalS,
    y: 1,
    xref,
    yref,
    showarrow: false,
    xanchor: "left",
    yanchor: "bottom",
    xshift: 3,
    font: { size: 12, color: SHAP_RED },
  };
}
