/**
 * Reading an Explanation for the tabular plots (waterfall, beeswarm, bar, dependence), as shap's plots read
 * `shap_values` (`shap/plots/_waterfall.py`, `_beeswarm.py`, `_bar.py`, `_scatter.py`): one output at a
 * time (`output`, the rank on the last axis, 0 by default), feature names from the explanation ("Feature i"
 * when it has none).
 */
import { InputError } from "../core/errors";
import type { Explanation } from "../shap/explanation";

/** The N x F values of one explained output, the N x F feature values and the F names of an explanation. */
export function tableOf(expl: Explanation, output: number | undefined, where: string): { values: Float64Array; data: Float64Array; featureNames: string[]; nSamples: number } {
  const rank = output ?? 0;
  if (!Number.isInteger(rank) || rank < 0 || rank >= expl.nOutputs) {
    throw new InputError(where, `output ${output} is not an explained output rank in [0, ${expl.nOutputs})`);
  }
  const n = expl.nSamples;
  const f = expl.nFeatures;
  const k = expl.nOutputs;
  let values = expl.values;
  if (k > 1) {
    values = new Float64Array(n * f);
    for (let i = 0; i < n * f; i++) values[i] = expl.values[i * k + rank];
  }
  const featureNames = expl.featureNames ? [...expl.featureNames] : Array.from({ length: f }, (_, j) => `Feature ${j}`);
  return { values, data: expl.data, featureNames, nSamples: n };
}

/** Throws unless `expl` holds exactly one sample (a waterfall or a local bar plot draws one prediction). */
export function assertOneSample(expl: Explanation, where: string): void {
  if (expl.nSamples !== 1) {
    throw new InputError(where, `draws one explained sample, but the explanation holds ${expl.nSamples}: pass expl.row(i)`);
  }
}
