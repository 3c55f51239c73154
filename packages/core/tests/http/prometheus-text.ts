/**
 * A strict parser of the Prometheus text exposition format 0.0.4, for tests: it throws on anything a
 * Prometheus server would reject (bad names, bad escapes, unquoted values, duplicate series, TYPE after
 * samples, interleaved families) and on histogram inconsistencies (non-cumulative buckets, no `+Inf`,
 * `+Inf` ≠ `_count`).
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help?: string;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const finished = new Set<string>();
  const seen = new Set<string>();
  let current: Family | undefined;
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('exposition must end with a line feed');
  const lines = text.split('\n');
  lines.pop();
  lines.forEach((line, index) => {
    const where = `line ${index + 1}: ${line}`;
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const match = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (!match) return; // plain comment
      const [, keyword, name, rest] = match;
      if (!METRIC_NAME.test(name)) throw new Error(`bad metric name in ${where}`);
      const family = openFamily(name, where);
      if (keyword === 'HELP') {
        if (family.help !== undefined) throw new Error(`second HELP in ${where}`);
        family.help = unescapeHelp(rest, where);
      } else {
        if (!TYPES.has(rest)) throw new Error(`bad type in ${where}`);
        if (family.samples.length > 0) throw new Error(`TYPE after samples in ${where}`);
        if (family.type !== 'untyped' || family.typed) throw new Error(`second TYPE in ${where}`);
        family.type = rest as Family['type'];
        family.typed = true;
      }
      return;
    }
    const sample = parseSample(line, where);
    const familyName = familyOf(sample.name, families);
    const family = openFamily(familyName, where);
    const id = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
    if (seen.has(id)) throw new Error(`duplicate series in ${where}`);
    seen.add(id);
    family.samples.push(sample);
  });
  for (const family of families.values()) {
    if (family.type === 'histogram') checkHistogram(family);
    delete (family as Partial<Family & { typed: boolean }>).typed;
  }
  return families;

  function openFamily(name: string, where: string): Family & { typed?: boolean } {
    if (current?.name === name) return current;
    if (finished.has(name)) throw new Error(`family ${name} is split in two groups (${where})`);
    if (current) finished.add(current.name);
    current = { name, type: 'untyped', samples: [] };
    families.set(name, current);
    return current;
  }
}

function familyOf(sampleName: string, families: Map<string, Family>): string {
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (sampleName.endsWith(suffix)) {
      const base = sampleName.slice(0, -suffix.length);
      const family = families.get(base);
      if (family && (family.type === 'histogram' || family.type === 'summary')) return base;
    }
  }
  return sampleName;
}

function parseSample(line: string, where: string): Sample {
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  if (!nameMatch) throw new Error(`bad sample name in ${where}`);
  const name = nameMatch[0];
  let i = name.length;
  const labels: Record<string, string> = {};
  if (line[i] === '{') {
    i++;
    while (line[i] !== '}') {
      const labelMatch = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line.slice(i));
      if (!labelMatch || !LABEL_NAME.test(labelMatch[0])) throw new Error(`bad label name in ${where}`);
      const label = labelMatch[0];
      i += label.length;
      if (line[i] !== '=' || line[i + 1] !== '"') throw new Error(`label ${label} not ="…" in ${where}`);
      i += 2;
      let value = '';
      for (;;) {
        const c = line[i];
        if (c === undefined) throw new Error(`unterminated label value in ${where}`);
        if (c === '"') break;
        if (c === '\\') {
          const next = line[i + 1];
          if (next === '\\') value += '\\';
          else if (next === '"') value += '"';
          else if (next === 'n') value += '\n';
          else throw new Error(`bad escape \\${next} in ${where}`);
          i += 2;
        } else {
          value += c;
          i++;
        }
      }
      i++;
      if (label in labels) throw new Error(`label ${label} twice in ${where}`);
      labels[label] = value;
      if (line[i] === ',') i++;
      else if (line[i] !== '}') throw new Error(`expected , or } in ${where}`);
    }
    i++;
  }
  const rest = line.slice(i);
  const valueMatch = /^ (\S+)( -?\d+)?$/.exec(rest);
  if (!valueMatch) throw new Error(`bad value part in ${where}`);
  return { name, labels, value: parseValue(valueMatch[1], where) };
}

/** Numbers as Go's strconv.ParseFloat (which Prometheus uses) reads them: NaN and Inf in any letter case. */
function parseValue(text: string, where: string): number {
  const word = text.toLowerCase();
  if (word === 'nan') return Number.NaN;
  if (word === '+inf' || word === 'inf' || word === '+infinity' || word === 'infinity') return Number.POSITIVE_INFINITY;
  if (word === '-inf' || word === '-infinity') return Number.NEGATIVE_INFINITY;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`bad number ${text} in ${where}`);
  return Number(text);
}

function unescapeHelp(text: string, where: string): string {
  return text.replace(/\\(.)/g, (_, c: string) => {
    if (c === '\\') return '\\';
    if (c === 'n') return '\n';
    throw new Error(`bad escape in HELP ${where}`);
  });
}

function checkHistogram(family: Family): void {
  const groups = new Map<string, { buckets: [number, number][]; sum?: number; count?: number }>();
  for (const sample of family.samples) {
    const { le, ...rest } = sample.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const group = groups.get(key) ?? { buckets: [] };
    groups.set(key, group);
    if (sample.name === `${family.name}_bucket`) {
      if (le === undefined) throw new Error(`${family.name}: bucket without le`);
      group.buckets.push([parseValue(le, `le of ${family.name}`), sample.value]);
    } else if (sample.name === `${family.name}_sum`) group.sum = sample.value;
    else if (sample.name === `${family.name}_count`) group.count = sample.value;
    else throw new Error(`${family.name}: unexpected sample ${sample.name}`);
  }
  for (const [key, group] of groups) {
    const where = `${family.name}${key}`;
    if (group.sum === undefined || group.count === undefined) throw new Error(`${where}: no _sum or _count`);
    const last = group.buckets[group.buckets.length - 1];
    if (!last || last[0] !== Number.POSITIVE_INFINITY) throw new Error(`${where}: last bucket is not +Inf`);
    if (last[1] !== group.count) throw new Error(`${where}: +Inf bucket ${last[1]} != count ${group.count}`);
    for (let i = 1; i < group.buckets.length; i++) {
      if (group.buckets[i][0] <= group.buckets[i - 1][0]) throw new Error(`${where}: le not increasing`);
      if (group.buckets[i][1] < group.buckets[i - 1][1]) throw new Error(`${where}: buckets not cumulative`);
    }
  }
}

/** The value of the one sample named `name` whose labels are exactly `labels`; throws when absent. */
export function sampleValue(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const want = JSON.stringify(Object.entries(labels).sort());
  for (const family of families.values()) {
    for (const sample of family.samples) {
      if (sample.name === name && JSON.stringify(Object.entries(sample.labels).sort()) === want) return sample.value;
    }
  }
  throw new Error(`no sample ${name}${want}`);
}
