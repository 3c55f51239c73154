export type { HealthReport, HealthStatus } from './health.js';
export { healthHttpStatus, normaliseHealth } from './health.js';
export type { HistorySample, StatsHistoryOptions, StreamRates } from './history.js';
export { StatsHistory } from './history.js';
export { METRIC_HELP, METRIC_PREFIX, metricName, PROMETHEUS_CONTENT_TYPE, renderPrometheus } from './prometheus.js';
export type { StatusServer, StatusServerOptions } from './server.js';
export { startStatusServer } from './server.js';
