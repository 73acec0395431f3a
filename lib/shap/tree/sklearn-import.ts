import { InputError } from "../../core/errors";
import { Tree, TreeEnsemble, validateTreeEnsemble, withCoverWeightedValues } from "./tree-ensemble";

/**
 * One scikit-learn tree as exported from Python, e.g. `{k: getattr(est.tree_, k).tolist() for k in
 * ["children_left", "children_right", "feature", "threshold", "value", "weighted_n_node_samples"]}` (shap's
 * own dict spelling `node_sample_weight` is accepted too). The fixtures' spelling `features`, `thresholds`,
 * `values`, `cover` is accepted as well. `value` entries may be numbers or sklearn's nested
 * `[[v]]` (n_outputs × n_classes = 1 × 1).
 */
export interface SklearnTreeJson {
  children_left: readonly number[];
  children_right: readonly number[];
  feature?: readonly number[];
  features?: readonly number[];
  threshold?: readonly number[];
  thresholds?: readonly number[];
  value?: readonly unknown[];
  values?: readonly unknown[];
  node_sample_weight?: readonly number[];
  weighted_n_node_samples?: readonly number[];
  cover?: readonly number[];
}

/** A forest export: its trees plus the number of input features (and optionally their names). */
export interface SklearnForestJson {
  trees: readonly SklearnTreeJson[];
  n_features?: number;
  n_features_in_?: number;
  feature_names?: readonly string[];
  feature_names_in_?: readonly string[];
}

/** Options of `fromSklearnTrees`. */
export interface SklearnImportOptions {
  /** Number of input features, when the export does not say (`n_features` / `n_features_in_`). */
  nFeatures?: number;
  /**
   * How the trees combine: "mean" (scale 1/nTrees: `RandomForestRegressor`, `ExtraTreesRegressor`, and a
   * single `DecisionTreeRegressor`) or "sum" (scale 1: boosted trees whose values are already scaled).
   * @default "mean"
   */
  aggregation?: "mean" | "sum";
  /** Feature names (length nFeatures), overriding `feature_names` of the export. */
  featureNames?: readonly string[];
}

/**
 * Converts trees exported from scikit-learn (`estimator.tree_` arrays) into a validated `TreeEnsemble`, as
 * shap's `SingleTree` does for sklearn models (`shap/explainers/_tree.py`): cover = `weighted_n_node_samples`
 * (bootstrap multiplicities included), value = `tree_.value[:, 0, 0]`, threshold kept in float64 (routing casts
 * x to float32), scale 1/nTrees for a forest mean. Split-node values are then recomputed as the cover-weighted
 * means of their children, as shap's `compute_expectations` does, so the root value is exactly the expectation
 * TreeSHAP attributes from; for a fitted sklearn tree this changes them only by rounding (~1e-15).
 *
 * @param json a forest `{ trees, n_features }`, an array of trees, or a single tree
 * @throws InputError naming the tree, the key and the entry on a malformed export or an invalid tree
 */
export function fromSklearnTrees(
  json: SklearnForestJson | readonly SklearnTreeJson[] | SklearnTreeJson,
  options: SklearnImportOptions = {},
): TreeEnsemble {
  const where = "fromSklearnTrees";
  if (json === null || typeof json !== "object") throw new InputError(where, "expected a forest object, an array of trees or a tree");
  const forest: Partial<SklearnForestJson> = Array.isArray(json) ? { trees: json } : "children_left" in json ? { trees: [json as SklearnTreeJson] } : (json as SklearnForestJson);
  if (!Array.isArray(forest.trees) || forest.trees.length === 0) throw new InputError(where, "the export has no trees (expected a non-empty `trees` array)");
  const featureNames = options.featureNames ?? forest.feature_names ?? forest.feature_names_in_;
  const nFeatures = options.nFeatures ?? forest.n_features ?? forest.n_features_in_ ?? featureNames?.length;
  if (nFeatures === undefined) {
    throw new InputError(where, "the number of features is unknown: the export has no n_features / n_features_in_; pass options.nFeatures");
  }
  const aggregation = options.aggregation ?? "mean";
  if (aggregation !== "mean" && aggregation !== "sum") throw new InputError(where, `aggregation must be "mean" or "sum", got ${String(aggregation)}`);

  const trees = forest.trees.map((t, i) => readTree(t, `${where}: trees[${i}]`));
  const scale = new Float64Array(trees.length).fill(aggregation === "mean" ? 1 / trees.length : 1);
  const raw: TreeEnsemble = { trees, scale, nFeatures, baseOffset: 0, featureNames: featureNames ? [...featureNames] : undefined };
  validateTreeEnsemble(raw, where);
  return { ...raw, trees: trees.map(withCoverWeightedValues) };
}

function readTree(t: SklearnTreeJson, where: string): Tree {
  if (t === null || typeof t !== "object") throw new InputError(where, "expected an object of per-node arrays");
  const pick = (names: readonly string[]): readonly unknown[] => {
    for (const name of names) {
      const a = (t as unknown as Record<string, unknown>)[name];
      if (a !== undefined) {
        if (!Array.isArray(a)) throw new InputError(where, `${name} must be an array`);
        return a;
      }
    }
    throw new InputError(where, `missing per-node array ${names.map((n) => `"${n}"`).join(" / ")}`);
  };
  const ints = (names: readonly string[]): Int32Array => {
    const a = pick(names);
    return Int32Array.from(a, (v, i) => {
      if (typeof v !== "number" || !Number.isInteger(v)) throw new InputError(where, `${names[0]}[${i}] is ${String(v)}, not an integer`);
      return v;
    });
  };
  const floats = (names: readonly string[]): Float64Array => {
    const a = pick(names);
    return Float64Array.from(a, (v, i) => {
      if (typeof v !== "number") throw new InputError(where, `${names[0]}[${i}] is ${String(v)}, not a number`);
      return v;
    });
  };
  const value = Float64Array.from(pick(["value", "values"]), (v, i) => scalarValue(v, `${where}: value[${i}]`));
  return {
    childrenLeft: ints(["children_left"]),
    childrenRight: ints(["children_right"]),
    feature: ints(["feature", "features"]),
    threshold: floats(["threshold", "thresholds"]),
    value,
    cover: floats(["node_sample_weight", "weighted_n_node_samples", "cover"]),
  };
}

/** A node value: a number, or sklearn's [[v]] / [v] for one output and one class. */
function scalarValue(v: unknown, where: string): number {
  let x = v;
  while (Array.isArray(x)) {
    if (x.length !== 1) throw new InputError(where, `has ${x.length} entries: only single-output regression trees are supported`);
    x = x[0];
  }
  if (typeof x !== "number") throw new InputError(where, `is ${String(v)}, not a number`);
  return x;
}
