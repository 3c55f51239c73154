import { describe, expectTypeOf, it } from 'vitest';
import type { DataminerCsvOptions } from '../src/index.js';

// Checked by `npm run typecheck`: the options type is derived from the schema, so a default the schema fills is a
// required field and a field the schema lacks does not exist.
describe('DataminerCsvOptions (derived from the schema)', () => {
  it('has every defaulted field required, with the schema enums as unions', () => {
    expectTypeOf<DataminerCsvOptions['path']>().toEqualTypeOf<string>();
    expectTypeOf<DataminerCsvOptions['kinds']>().toEqualTypeOf<('data' | 'dataavg' | 'alarm')[]>();
    expectTypeOf<DataminerCsvOptions['encoding']>().toEqualTypeOf<'utf8' | 'utf16le' | 'latin1' | 'win1252'>();
    expectTypeOf<DataminerCsvOptions['data']['columns']>().toEqualTypeOf<string[]>();
    expectTypeOf<DataminerCsvOptions['alarm']['infoEvents']>().toEqualTypeOf<'keep' | 'drop' | 'route'>();
    expectTypeOf<DataminerCsvOptions['alarm']['rcaLevelNull']>().toEqualTypeOf<-1 | null>();
    expectTypeOf<DataminerCsvOptions['dialect']['quote']>().toEqualTypeOf<'none' | '"'>();
    expectTypeOf<DataminerCsvOptions['afterDelivery']>().toEqualTypeOf<'delete' | 'archive' | 'keep'>();
    expectTypeOf<DataminerCsvOptions['elementProperties']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<DataminerCsvOptions['data']>().not.toHaveProperty('infoEvents');
  });
});
