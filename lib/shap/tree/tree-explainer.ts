import { InputError } from "../../core/errors";
import { Explanation } from "../explanation";
import { DEFAULT_ADDITIVITY_TOLERANCE } from "./additivity";
import { interventionalTreeShapPrepared, PreparedBackground, prepareBackground } from "./interventional";
import { parallelTreeShapInteractionsPrepared, parallelTreeShapPrepared } from "./parallel";
import { PreparedEnsemble, prepareTreeEnsemble } from "./prepared-ensemble";
import { FeatureMatrix, TreeEnsemble } from "./tree-ensemble";
import { TreeInteractionsResult, treeShapInteractionsPrepared } from "./tree-interactions";
import { treeShapPrepared, TreeShapResult } from "./tree-shap";

/** Options of `TreeExplainer` (shap `TreeExplainer(model, data, feature_perturbation, ...)`). */
export interface TreeExplainerOptions {
  /**
   * "tree_path_dependent": E[f | x_S] from the trees' training covers, no data needed (what the paper uses);
   * "interventional": f(x_S, r_rest) averaged over the background rows `data`.
   * @default "interventional" when `data` is given, else "tree_path_dependent" (shap's "auto")
   */
  featurePerturbation?: "tree_path_dependent" | "interventional";
  /** Background rows for "interventional", nData × nFeatures row-major (nData = data.length / nFeatures). */
  data?: FeatureMatrix;
  /** Check base + Σφ = f(x) on every row. @default true */
  checkAdditivity?: boolean;
  /** Largest accepted additivity residual relative to max(1, |f(x)|). @default 1e-6 */
  tolerance?: number;
  /** Feature names (default: the ensemble's, else "Feature 0", …). */
  featureNames?: readonly string[];
  /** Worker threads used by `explainAsync` and `shapValuesAsync` (0 = this thread). @default 0 */
  workers?: number;
}

/**
 * SHAP values of a tree ensemble, after shap's `TreeExplainer` (`shap/explainers/_tree.py`; spec:
 * docs/shap-reference.md C): validates and prepares the ensemble once, then explains any number of row
 * sets. `explain` returns an `Explanation` of shape [nRows, nFeatures] (values, base values, data, feature names,
 * and the ensemble's predictions as model outputs) for the bar, beeswarm, waterfall and dependence plots;
 * `shapValues` and `interactionValues` return the raw arrays. The `*Async` variants split rows over `workers`
 * threads.
 *
 * @example
 * const explainer = new TreeExplainer(forest);           // path-dependent, like shap.TreeExplainer(rf)
 * const explanation = explainer.explain(X, nRows);        // X: nRows × nFeatures, row-major
 * explanation.abs().mean(0);                            // global importance per feature
 */
export class TreeExplainer {
  readonly featurePerturbation: "tree_path_dependent" | "interventional";
  /** E[f(X)]: sum of the trees' scaled root values (path-dependent) or the mean background prediction. */
  readonly expectedValue: number;
  readonly featureNames: readonly string[] | undefined;
  private readonly prepared: PreparedEnsemble;
  private readonly background: PreparedBackground | undefined;
  private readonly checkAdditivity: boolean;
  private readonly tolerance: number;
  private readonly workers: number;

  constructor(ensemble: TreeEnsemble, options: TreeExplainerOptions = {}) {
    const where = "TreeExplainer";
    this.prepared = prepareTreeEnsemble(ensemble, `${where}: ensemble`);
    const nF = this.prepared.nFeatures;
    const perturbation = options.featurePerturbation ?? (options.data ? "interventional" : "tree_path_dependent");
    if (perturbation !== "tree_path_dependent" && perturbation !== "interventional") {
      throw new InputError(where, `featurePerturbation must be "tree_path_dependent" or "interventional", got ${JSON.stringify(perturbation)}`);
    }
    this.featurePerturbation = perturbation;
    if (perturbation === "interventional") {
      if (!options.data) throw new InputError(where, 'featurePerturbation "interventional" needs background rows in options.data');
      if (options.data.length % nF !== 0) throw new InputError(`${where}: data`, `has ${options.data.length} values, not a multiple of nFeatures = ${nF}`);
      this.background = prepareBackground(this.prepared, options.data, options.data.length / nF);
      this.expectedValue = this.background.expectedValue;
    } else {
      if (options.data) {
        throw new InputError(where, 'options.data is only used by featurePerturbation "interventional" (path-dependent TreeSHAP uses the training covers)');
      }
      this.background = undefined;
      this.expectedValue = this.prepared.expectedValue;
    }
    const names = options.featureNames ?? ensemble.featureNames;
    if (names !== undefined && names.length !== nF) throw new InputError(where, `${names.length} feature names for ${nF} features`);
    this.featureNames = names ? [...names] : undefined;
    this.checkAdditivity = options.checkAdditivity ?? true;
    this.tolerance = options.tolerance ?? DEFAULT_ADDITIVITY_TOLERANCE;
    if (!(this.tolerance >= 0)) throw new InputError(where, `tolerance must be a number >= 0, got ${options.tolerance}`);
    const workers = options.workers ?? 0;
    if (!Number.isInteger(workers) || workers < 0) throw new InputError(where, `workers must be an integer >= 0, got ${workers}`);
    this.workers = workers;
  }

  /** Number of input features of the ensemble. */
  get nFeatures(): number {
    return this.prepared.nFeatures;
  }

  /**
   * Explains nRows rows in this thread (shap's `explainer(X)`).
   * @param X nRows × nFeatures, row-major, finite
   */
  explain(X: FeatureMatrix, nRows: number): Explanation {
    return this.toExplanation(this.shapValues(X, nRows), X);
  }

  /** `explain` with the rows split over `workers` threads (the constructor option unless given here). */
  async explainAsync(X: FeatureMatrix, nRows: number, options: { workers?: number } = {}): Promise<Explanation> {
    return this.toExplanation(await this.shapValuesAsync(X, nRows, options), X);
  }

  /** SHAP values, expected value and predictions as arrays (shap's `shap_values`). */
  shapValues(X: FeatureMatrix, nRows: number): TreeShapResult {
    const options = { checkAdditivity: this.checkAdditivity, tolerance: this.tolerance };
    return this.background
      ? interventionalTreeShapPrepared(this.prepared, X, nRows, this.background, options)
      : treeShapPrepared(this.prepared, X, nRows, options);
  }

  /** `shapValues` with the rows split over worker threads. */
  shapValuesAsync(X: FeatureMatrix, nRows: number, options: { workers?: number } = {}): Promise<TreeShapResult> {
    return parallelTreeShapPrepared(this.prepared, X, nRows, this.background, {
      checkAdditivity: this.checkAdditivity,
      tolerance: this.tolerance,
      workers: options.workers ?? this.workers,
    });
  }

  /**
   * SHAP interaction values, nRows × F × F (shap's `shap_interaction_values`; path-dependent only, as in shap).
   * Pass `workers` > 0 through `interactionValuesAsync` for many rows: they cost ~2 × (features per tree) ×
   * `shapValues`.
   */
  interactionValues(X: FeatureMatrix, nRows: number): TreeInteractionsResult {
    this.requirePathDependent();
    return treeShapInteractionsPrepared(this.prepared, X, nRows, { checkAdditivity: this.checkAdditivity, tolerance: this.tolerance });
  }

  /** `interactionValues` with the rows split over worker threads. */
  interactionValuesAsync(X: FeatureMatrix, nRows: number, options: { workers?: number } = {}): Promise<TreeInteractionsResult> {
    this.requirePathDependent();
    return parallelTreeShapInteractionsPrepared(this.prepared, X, nRows, {
      checkAdditivity: this.checkAdditivity,
      tolerance: this.tolerance,
      workers: options.workers ?? this.workers,
    });
  }

  private requirePathDependent(): void {
    if (this.featurePerturbation !== "tree_path_dependent") {
      throw new InputError("TreeExplainer", 'interaction values are only defined for featurePerturbation "tree_path_dependent" (as in shap)');
    }
  }

  private toExplanation(r: TreeShapResult, X: FeatureMatrix): Explanation {
    return new Explanation({
      values: r.values,
      baseValues: new Float64Array(r.nRows).fill(r.expectedValue),
      data: Float64Array.from(X),
      featureNames: this.featureNames,
      modelOutputs: r.predictions,
    });
  }
}
