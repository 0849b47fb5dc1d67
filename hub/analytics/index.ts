// hub/analytics/: the pure side of the hub's analytics. Classifies Conditions into taxonomy cells, keeps
// mergeable coverage and histogram aggregates, and derives t-way coverage and drift from them. No I/O.
export { cellKey, cellLevels, classifier, classify, matrixNameMismatches, type CellKey, type Classifier, type NameMismatch } from './classify.js';
export {
  SOURCES, STAT_KEYS, sourceOf, emptyStats, emptyCoverage, addToCell, merge, totalOf, meets, cellRows,
  type Source, type CellStats, type CoverageAggregate, type CoverageMinimum, type CellRow,
} from './coverage.js';
export { spaceOf, ConstraintSolver, FREE, subsets, type CoverageSpace, type SpaceDimension } from './space.js';
export {
  combinationCoverage, fieldOnlyCombinations,
  type Combination, type CombinationOptions, type CombinationCoverage, type SubsetCoverage, type SeenCombination,
  type FieldOnlyOptions, type FieldOnlyCombination,
} from './t-way.js';
export {
  emptyHistogram, emptyHistograms, binOf, observe, histogramObserver, mergeHistograms, mergeHistogramSets, countOf,
  type Histogram, type HistogramSet,
} from './histogram.js';
export { psi, jsDistance, bandOf, compareHistograms, DEFAULT_DRIFT, type DriftThresholds, type DriftBand, type DriftResult } from './drift.js';
export {
  driftFor, resolveSelection, resolveSelections, matrixIdsOf, parseDriftSelection, withinWindow, parseTime, DriftSpecError,
  DEFAULT_BASELINE, DEFAULT_CURRENT, SPEC_FORMS, SPEC_SOURCES,
  type DriftForReport, type DriftSelectionSpec, type ResolveOptions, type ResolvedSelection, type SelectionInfo, type SpecSource,
} from './drift-baseline.js';
export { driftSeries, parseBucket, MAX_SERIES_POINTS, type DriftSeries, type FeatureSeries, type DriftPoint, type HistogramCounts, type SeriesOptions } from './drift-series.js';
export { bandChanges, readingsOf, bandKey, BAND_LEVEL, INITIAL_BAND, FLEET, type Band, type BandChange, type BandReading } from './drift-bands.js';
export {
  performanceOf, figuresOf, judge, wilsonInterval, binQuantile, DEFAULT_PERFORMANCE_RULE,
  type PerformanceRule, type PerformanceOptions, type PerformanceBreakdown, type PerformanceFigures, type ConfidenceFigures,
  type JudgedFigures, type CellPerformance, type ModelPerformance,
} from './performance.js';
export { confidenceBin, modelOf, decisionModel } from './performance-deltas.js';
export {
  plannedCellKey, matchesPlan, matrixRowOf, matrixTotalsOf, ANY_LEVEL, DEFAULT_MET_SHARE,
  type AchievedCell, type MatrixRowReport, type MatrixTotals,
} from './matrix.js';
