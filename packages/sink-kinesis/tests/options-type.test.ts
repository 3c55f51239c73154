import { describe, expectTypeOf, it } from 'vitest';
import type { KinesisSinkOptions, RetryOptions } from '../src/index.js';

// Checked by `npm run typecheck`: the options type is derived from the schema, so a default the schema fills is a
// required field and a field the schema lacks does not exist.
describe('KinesisSinkOptions (derived from the schema)', () => {
  it('has every defaulted field required and optional fields optional', () => {
    expectTypeOf<KinesisSinkOptions['maxInFlight']>().toEqualTypeOf<number>();
    expectTypeOf<KinesisSinkOptions['aggregation']>().toEqualTypeOf<'none' | 'kpl'>();
    expectTypeOf<KinesisSinkOptions['drop']>().toEqualTypeOf<string[]>();
    expectTypeOf<KinesisSinkOptions['streams']>().toEqualTypeOf<{ [key: string]: string }>();
    expectTypeOf<KinesisSinkOptions['shardRate']>().toEqualTypeOf<{ enabled: boolean; percent: number }>();
    expectTypeOf<RetryOptions>().toEqualTypeOf<{
      maxAttempts: number;
      maxElapsedMs: number;
      baseDelayMs: number;
      maxDelayMs: number;
    }>();
    expectTypeOf<KinesisSinkOptions['region']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<KinesisSinkOptions>().not.toHaveProperty('unknownOption');
  });
});
