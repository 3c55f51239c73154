import { CODES, ErrorCodes } from './codes.js';

const USE_TEXT = { error: 'error', event: 'event', 'error+event': 'error, event' } as const;

/** `docs/codes.md`: every error and event code, sorted, with where it appears and what it means. */
export function renderCodesMarkdown(): string {
  const rows = ErrorCodes.map((code) => `| \`${code}\` | ${USE_TEXT[CODES[code].use]} | ${CODES[code].meaning} |`);
  return [
    '# Error and event codes',
    '',
    'Generated from `packages/core/src/codes.ts` by `npm run docs:codes`; a test fails when this file is stale.',
    'Errors carry the code in `OffloaderError.code` (and `error <CODE>:` on the command line); events carry it in',
    'the `code` field of `/events` and the events file. Codes never change meaning and are never reused.',
    '',
    '| Code | Used as | Meaning |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
