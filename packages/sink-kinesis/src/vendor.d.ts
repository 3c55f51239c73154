// Type declarations for the two untyped runtime dependencies; only what this package calls.

declare module 'proxy-from-env' {
  /** Proxy URL for `url` from HTTP(S)_PROXY / NO_PROXY, or '' for a direct connection. */
  export function getProxyForUrl(url: string): string;
}

declare module 'kinesalite' {
  import type { Server } from 'node:http';

  interface KinesaliteOptions {
    path?: string;
    createStreamMs?: number;
    deleteStreamMs?: number;
    updateStreamMs?: number;
    shardLimit?: number;
    ssl?: boolean;
  }
  function kinesalite(options?: KinesaliteOptions): Server;
  export default kinesalite;
}
