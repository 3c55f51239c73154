import type { HealthReport, HealthStatus } from '@offloader/core';

/** HTTP status of a probe: 200 when the asked-for condition holds, 503 otherwise. */
export function healthHttpStatus(report: HealthReport, probe: 'health' | 'live' | 'ready'): 200 | 503 {
  if (probe === 'live') return report.live ? 200 : 503;
  if (probe === 'ready') return report.ready ? 200 : 503;
  return report.status !== 'down' && report.live && report.ready ? 200 : 503;
}

/** Checks a report coming from outside (a plugin, a runner) so `/health` never answers with a malformed body. */
export function normaliseHealth(report: Partial<HealthReport> | undefined): HealthReport {
  const status: HealthStatus =
    report?.status === 'ok' || report?.status === 'degraded' || report?.status === 'down' ? report.status : 'down';
  const reasons = Array.isArray(report?.reasons) ? report.reasons.map(String) : [];
  if (!report) reasons.push('no health report');
  return { status, live: report?.live === true, ready: report?.ready === true, reasons };
}
