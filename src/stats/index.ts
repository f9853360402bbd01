// The statistics toolbox: descriptive statistics, rank tests, resampling and t-based intervals.
export { median, quantile, mad, mean, stdev, geomean, medianInPlace } from './descriptive.js';
export { averageRanks, tieTerm, hasTies, type Ranking } from './ranks.js';
export {
  mannWhitneyU,
  mannWhitneyExactCdf,
  chooseMannWhitneyMethod,
  type MannWhitneyResult,
  type MannWhitneyMethod,
  type MannWhitneyOptions,
} from './mannwhitney.js';
export { wilcoxonSignedRank, wilcoxonExactTails, type WilcoxonResult, type WilcoxonMethod, type WilcoxonOptions } from './wilcoxon.js';
export { signFlipTest, type SignFlipOptions, type SignFlipResult } from './permutation.js';
export {
  bootstrapRatioCI,
  bootstrapCentreCI,
  bootstrapPairedRatioCI,
  ratioOf,
  ratioOfMedians,
  type BootstrapOptions,
  type CentreStatistic,
  type PairedRatioEstimate,
} from './bootstrap.js';
export { predictionInterval, predictionPValue, type PredictionInterval } from './prediction.js';
export {
  normalSf,
  normalCdf,
  erfc,
  regularizedBeta,
  inverseRegularizedBeta,
  regularizedGammaQ,
  studentTSf,
  studentTCdf,
  studentTQuantile,
} from './special.js';
export { seededRandom, seedFrom, randomIndex, type Random } from './random.js';
