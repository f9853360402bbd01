// Comparison of results into a verdict: whole-results strategies, and the per-metric rules they are built from.
export { compareResults, matchCases, metricSeed, type BaselinePair, type BaselineOptions } from './baseline.js';
export { compareAB, splitSides, type ABOptions } from './ab.js';
export { compareWithHistory, type HistoryOptions } from './history.js';
export {
  classifyChange,
  decideIndependent,
  decidePaired,
  pairedSensitivity,
  DETECTION_POWER,
  decideHistory,
  decideRatioRule,
  blockLogRatios,
  smallestPairedPValue,
  type ChangeKind,
  type Rule,
  type Decision,
  type HistoryDecision,
  type ResamplingOptions,
  type PairedOptions,
  type PairedTest,
  type BlockedSamples,
  type BlockPairing,
} from './decide.js';
export {
  calibrationBetween,
  calibrationScale,
  referenceSpeed,
  rescale,
  REFERENCE_METRIC,
  type Calibration,
  type CalibrationScale,
} from './calibration.js';
export {
  DEFAULT_GATED_METRICS,
  MIN_SAMPLES,
  isGated,
  thresholdFor,
  compareSettings,
  type CompareSettingsInput,
  type CompareOptions,
  type GateInput,
} from './settings.js';
export {
  metricVerdict,
  assembleVerdict,
  type MetricEvaluation,
  type CaseEvaluation,
  type SideStats,
} from './assemble.js';
export { settingsEntry, geomeanRatios } from './assemble.js';
export { gatesForPullRequest, hasExplicitGates } from './settings.js';
export {
  countCases,
  gateCounts,
  gatedFailures,
  failsGate,
  incompleteReasons,
  summaryCounts,
  verdictStatus,
  type GateCounts,
} from './gate.js';
export { mergeVerdicts } from './merge.js';
