export { type HistorySample, StatsHistory, type StreamRates } from './history.js';
export { formatRunSummary, ProgressReporter, type ProgressStream } from './progress.js';
export { type StatusServer, type StatusServerOptions, startStatusServer } from './server.js';
