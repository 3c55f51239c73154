// Writes docs/codes.md from the code table in @offloader/core (run `npm run build` first).
import { writeFileSync } from 'node:fs';
import { renderCodesMarkdown } from '@offloader/core';

writeFileSync(new URL('../docs/codes.md', import.meta.url), renderCodesMarkdown());
