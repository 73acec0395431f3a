// The data layer: the D-set reader, the seeded Norcia generator and its physics, splits, and the CSV and
// HDF5 helpers they share.
export { DSet, openDSet } from "./dset-reader";
export type { DSetFilePair, DSetMetadataRow, DSetSkip, DSetTrace, DSetTraceFilter, OpenDSetOptions } from "./dset-reader";
export { GENERATOR_VERSION, generateNorciaDataset, tracesPerStation } from "./generator";
export type { DSetLayout, DSetScale, GenerateNorciaOptions, GenerateReport, GeneratedFile } from "./generator";
export { DSET_MAX_DEPTH, describeLayout, discoverDSet, scanDSetFolder, unpackCommand } from "./dset-discovery";
export type { DSetArchive, DSetDiscoveredPair, DSetDiscovery, DSetFoundFile, DSetIgnored, DSetScan, DiscoverDSetOptions } from "./dset-discovery";
export {
  NORCIA_MODEL,
  STATION_SITE_MODELS,
  WaveformSynthesizer,
  antiAliasResponse,
  bruneCornerFrequencyHz,
  pTravelTimeS,
  qualityFactor,
  sMinusPTimeS,
  seismicMomentDyneCm,
  siteAmplification,
  siteStateFor,
  stationSiteModel,
  velocityFourierAmplitude,
} from "./physics";
export type { SiteState, SpectrumInputs, StationSiteModel, SynthesisOptions, TraceSource } from "./physics";
export { generateNorciaCatalogue, sampleGutenbergRichter } from "./catalogue";
export type { CatalogueEvent, CatalogueOptions } from "./catalogue";
export { DSET_STATIONS, DSET_TOTAL_TRACES, DSET_USABLE_TRACES, findStation } from "./stations";
export type { DSetStation } from "./stations";
export { DSET_PERIODS, NORCIA_SEQUENCE, PERIOD_TIME_RANGES, isDSetPeriod, labelOfPeriod } from "./sequence";
export type { DSetPeriod, ReferenceShock } from "./sequence";
export { DSET_CSV_COLUMNS, dsetFileNames, parseDSetFileName } from "./dset-files";
export type { DSetCsvColumn, DSetFileName } from "./dset-files";
export { groupedSplit, groupedTrainTestSplit, parseUtcMs, randomSplit, splitSizes, stationIndices, trainTestSplit } from "./split";
export type { DatasetSplit, GroupedSplitOptions, RandomSplitOptions, SplitFractions, SplitName, TrainTestSplit, TrainTestSplitOptions } from "./split";
export { csvRecords, formatCsv, parseCsv, readCsvFile } from "./csv";
export type { CsvTable } from "./csv";
export { Hdf5File, Hdf5Writer, assertHdf5Complete, loadH5wasm } from "./hdf5";
export type { Hdf5DatasetInfo } from "./hdf5";
export { azimuthDeg, epicentralDistanceKm, hypocentralDistanceKm } from "./geo";
