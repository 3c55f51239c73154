// Endpoint and proxy URLs: checked when a pipeline is validated, so nothing here may load the AWS SDK.
import { getProxyForUrl } from 'proxy-from-env';

/** `endpoint` as a URL: a bare host becomes `https://host:port`. */
export function endpointUrl(endpoint: string, port = 443): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint)) return endpoint;
  return port === 443 ? `https://${endpoint}` : `https://${endpoint}:${port}`;
}

/** AWS hosts: kinesis[-fips].<region>.amazonaws.com[.cn] or .api.aws, and VPC endpoints (…kinesis.<region>.vpce…). */
const AWS_KINESIS_HOST =
  /(?:^|\.)kinesis(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d+)\.(?:vpce\.)?(?:amazonaws\.com(?:\.cn)?|api\.aws)$/i;

/** The region named by an AWS Kinesis endpoint host, or undefined for any other endpoint. */
export function regionFromEndpoint(endpoint: string): string | undefined {
  try {
    return AWS_KINESIS_HOST.exec(new URL(endpointUrl(endpoint)).hostname)?.[1]?.toLowerCase();
  } catch {
    return undefined;
  }
}

/** Why `endpoint` cannot be used (not an http(s) URL or host name), or undefined. */
export function endpointProblem(endpoint: string): string | undefined {
  if (endpoint === 'local') return undefined;
  return urlProblem(endpointUrl(endpoint), 'a URL (https://host:port) or a host name');
}

/** Why `proxy` cannot be used as a proxy URL, or undefined. */
export function proxyProblem(proxy: string): string | undefined {
  return urlProblem(proxy, 'an http:// or https:// proxy URL');
}

function urlProblem(text: string, expected: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `"${text}" is not ${expected}`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return `"${text}" is not ${expected} (scheme ${url.protocol})`;
  if (!url.hostname) return `"${text}" names no host`;
  return undefined;
}

/** Proxy URL to use for `target`, or undefined for a direct connection. */
export function resolveProxy(target: string, options: { proxy?: string; bypassProxy?: boolean }) {
  if (options.bypassProxy) return undefined;
  if (options.proxy) return options.proxy;
  return getProxyForUrl(target) || undefined;
}
