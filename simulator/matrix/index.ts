// simulator/matrix: covering arrays (IPOG-F with constraints, tabu post-optimisation), the tuple-counting
// checker and bounds, matrix plans (rows as scenarios), the parallel row runner and its progress line.
export { coveringArray, removeRedundant, type CoveringOptions } from './covering-array.js';
export { checkCoverage, lowerBound, fullProduct, fullProductSize, type CoverageReport } from './coverage-check.js';
export { ConstraintSolver, combinations, constraintComponents, levelTuples, FREE, type Forbidden, type PartialRow } from './constraints.js';
export { TupleSpace } from './tuple-space.js';
export { bestKnownRows } from './known-bounds.js';
export { planMatrix, forbiddenOf, MAX_FULL_ROWS, type MatrixPlan, type MatrixRow, type PlanOptions } from './plan.js';
export { runMatrix, runScenario, rowDeviceId, type MatrixHub, type MatrixRunOptions, type RowResult, type ScenarioRunOptions } from './run-matrix.js';
export { ProgressReporter, progressLine, eta, clock, type ProgressState } from './progress.js';
export { summarizeRows, summaryText, decisionText, rowsTable, type HubReader, type RunSummary, type RowSummary } from './summary.js';
