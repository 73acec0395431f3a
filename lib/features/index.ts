/** Waveform features for the paper's magnitude random forest. */
export { N_FEATURES_PER_CHANNEL, WAVEFORM_FEATURE_BASE_NAMES, waveformFeatureNames, waveformFeatures } from "./waveform-features";
export { featureRow, featureRowNames, METADATA_FEATURE_NAMES } from "./feature-row";
export type { FeatureRow, MetadataRow } from "./feature-row";
export { pairwiseSum } from "./pairwise-sum";
export { medianSorted, percentileSorted } from "./percentile";
export { countLocalMaxima } from "./count-local-maxima";
