/** Matches file names against simple `*` / `?` patterns, case-insensitively (Windows names are case-insensitive). */
export class NamePatterns {
  private readonly expressions: RegExp[];

  constructor(patterns: readonly string[]) {
    this.expressions = patterns.map(compilePattern);
  }

  matches(name: string): boolean {
    for (const expression of this.expressions) if (expression.test(name)) return true;
    return false;
  }
}

function compilePattern(pattern: string): RegExp {
  let source = '';
  for (const char of pattern) {
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else source += char.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'is');
}

/** Folder names the reader never enters: failure folders of DataMiner and consumers, hidden and `_` folders. */
export function isForbiddenFolder(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === 'failure' || lower === 'failed' || name.startsWith('_') || (name.startsWith('.') && name !== '.');
}
