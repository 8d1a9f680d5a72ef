/**
 * The two text formats exporters answer with: Prometheus' text format 0.0.4 and OpenMetrics 1.0
 * (https://prometheus.io/docs/instrumenting/exposition_formats/, the OpenMetrics spec). Strict
 * like Prometheus' own parser: a line that does not parse fails the whole page, with its number,
 * because half a page would show as series that vanished.
 *
 * Hand-written because npm has no maintained parser of either format: parse-prometheus-text-format
 * (unchanged since 2019) folds every label set of a histogram into one and reads an OpenMetrics
 * exemplar as the timestamp, prom2javascript refuses exemplars, exposition splits labels on the
 * exemplar's braces, and none knows `# EOF`, `# UNIT` or `_created`.
 */

export type Format = 'prometheus' | 'openmetrics';

export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  /** Milliseconds since the epoch, when the page gave one. */
  timestamp?: number;
}

export interface Exposition {
  samples: ParsedSample[];
  /** `# TYPE` per family name (counter, gauge, histogram, summary, info, stateset, gaugehistogram, unknown, untyped). */
  types: Map<string, string>;
  help: Map<string, string>;
}

export class ExpositionError extends Error {
  constructor(
    readonly line: number,
    problem: string,
  ) {
    super(`line ${line}: ${problem}`);
    this.name = 'ExpositionError';
  }
}

// Character classes by code, tested per character: a regex per character costs several times more.
const isLetter = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95; // a-z A-Z _
const isDigit = (c: number) => c >= 48 && c <= 57;
const NAME_START = (c: number) => isLetter(c) || c === 58; // :
const NAME_CHAR = (c: number) => isLetter(c) || isDigit(c) || c === 58;
const LABEL_START = isLetter;
const LABEL_CHAR = (c: number) => isLetter(c) || isDigit(c);
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const TYPES = {
  prometheus: new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']),
  openmetrics: new Set(['counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset', 'unknown']),
};
// Series whose value is when the family was created, not a measurement: Prometheus skips them too.
const CREATED_TYPES = new Set(['counter', 'histogram', 'summary', 'gaugehistogram']);

/** A float as both formats write it, including NaN and ±Inf; null when it is not one. */
function parseNumber(text: string): number | null {
  switch (text) {
    case 'NaN':
      return Number.NaN;
    case '+Inf':
    case 'Inf':
      return Number.POSITIVE_INFINITY;
    case '-Inf':
      return Number.NEGATIVE_INFINITY;
  }
  // Number() takes "", " 1", "0x10" and "Infinity", none of which either format allows.
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text)) return null;
  return Number(text);
}

/** Reads one sample line; `at` walks through it. */
class LineReader {
  at = 0;
  constructor(
    readonly text: string,
    readonly lineNo: number,
  ) {}

  fail(problem: string): never {
    throw new ExpositionError(this.lineNo, problem);
  }

  get done() {
    return this.at >= this.text.length;
  }

  peek() {
    return this.text[this.at];
  }

  skipBlanks(): number {
    const start = this.at;
    while (this.peek() === ' ' || this.peek() === '\t') this.at++;
    return this.at - start;
  }

  name(start: (c: number) => boolean, rest: (c: number) => boolean, what: string): string {
    const from = this.at;
    if (!start(this.text.charCodeAt(this.at))) this.fail(`expected ${what} at column ${this.at + 1}, found ${this.done ? 'the end' : JSON.stringify(this.text.slice(this.at, this.at + 10))}`);
    this.at++;
    while (rest(this.text.charCodeAt(this.at))) this.at++;
    return this.text.slice(from, this.at);
  }

  quoted(): string {
    if (this.peek() !== '"') this.fail(`expected a quoted label value at column ${this.at + 1}`);
    this.at++;
    let out = '';
    for (;;) {
      // Whole runs up to the next quote or backslash at once.
      const quote = this.text.indexOf('"', this.at);
      const slash = this.text.indexOf('\\', this.at);
      if (quote === -1) this.fail('label value is not closed with "');
      if (slash === -1 || quote < slash) {
        out += this.text.slice(this.at, quote);
        this.at = quote + 1;
        return out;
      }
      out += this.text.slice(this.at, slash);
      this.at = slash + 1;
      const escaped = this.text[this.at++];
      if (escaped === 'n') out += '\n';
      else if (escaped === '\\' || escaped === '"') out += escaped;
      else this.fail(`unknown escape \\${escaped ?? ''} in a label value (only \\\\, \\" and \\n)`);
    }
  }

  labels(): Record<string, string> {
    const labels: Record<string, string> = {};
    this.at++; // {
    for (;;) {
      this.skipBlanks();
      if (this.peek() === '}') {
        this.at++;
        return labels;
      }
      const name = this.name(LABEL_START, LABEL_CHAR, 'a label name');
      this.skipBlanks();
      if (this.peek() !== '=') this.fail(`expected = after label ${name}`);
      this.at++;
      this.skipBlanks();
      if (name in labels) this.fail(`label ${name} appears twice`);
      labels[name] = this.quoted();
      this.skipBlanks();
      if (this.peek() === ',') this.at++;
      else if (this.peek() !== '}') this.fail(`expected , or } after the value of label ${name}`);
    }
  }

  /** The next blank-separated token (a value or timestamp). */
  token(): string {
    const from = this.at;
    while (!this.done && this.peek() !== ' ' && this.peek() !== '\t') this.at++;
    return this.text.slice(from, this.at);
  }
}

function parseSample(text: string, lineNo: number, format: Format): ParsedSample {
  // Typed explicitly so that `r.fail` (never) narrows like a throw.
  const r: LineReader = new LineReader(text, lineNo);
  const name = r.name(NAME_START, NAME_CHAR, 'a metric name');
  const labels = r.peek() === '{' ? r.labels() : {};
  if (r.skipBlanks() === 0) r.fail(r.done ? `${name} has no value` : `expected a space before the value of ${name}`);
  const valueText = r.token();
  const value = parseNumber(valueText);
  if (value === null) r.fail(`${JSON.stringify(valueText.slice(0, 40))} is not a number (value of ${name})`);
  const sample: ParsedSample = { name, labels, value };
  r.skipBlanks();
  if (!r.done && r.peek() !== '#') {
    const stamp = r.token();
    if (format === 'openmetrics') {
      // Seconds, with a fraction allowed.
      const seconds = parseNumber(stamp);
      if (seconds === null || !Number.isFinite(seconds)) r.fail(`${JSON.stringify(stamp.slice(0, 40))} is not a timestamp`);
      sample.timestamp = Math.round(seconds * 1000);
    } else {
      if (!/^-?\d+$/.test(stamp)) r.fail(`${JSON.stringify(stamp.slice(0, 40))} is not a timestamp (whole milliseconds)`);
      sample.timestamp = Number(stamp);
    }
    r.skipBlanks();
  }
  if (!r.done) {
    // An exemplar (`# {trace_id="…"} 1 1700000000`) belongs to OpenMetrics; Vigia does not store it.
    if (format !== 'openmetrics' || r.peek() !== '#') r.fail(`unexpected ${JSON.stringify(r.text.slice(r.at, r.at + 20))} after the value of ${name}`);
    r.at++;
    r.skipBlanks();
    if (r.peek() !== '{') r.fail('an exemplar needs its labels in { }');
    r.labels();
  }
  return sample;
}

/** Parses a whole page. Throws ExpositionError naming the first line that does not parse. */
export function parseExposition(text: string, format: Format): Exposition {
  const samples: ParsedSample[] = [];
  const types = new Map<string, string>();
  const help = new Map<string, string>();
  const lines = text.split('\n');
  let eof = false;
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    // Prometheus' format tolerates \r\n and padding; OpenMetrics does not, but exporters do send them.
    const line = lines[i]!.replace(/\r$/, '');
    if (eof) {
      if (line.trim() !== '' || i < lines.length - 1) throw new ExpositionError(lineNo, 'text after # EOF');
      continue;
    }
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (trimmed.startsWith('#')) {
      const parts = /^#\s+(HELP|TYPE|UNIT|EOF)(?:\s+(\S+))?(?:\s(.*))?$/.exec(trimmed);
      if (!parts) continue; // a plain comment
      const [, keyword, family, rest] = parts;
      if (keyword === 'EOF') {
        if (format === 'openmetrics') eof = true;
        continue;
      }
      if (!family || !METRIC_NAME.test(family)) throw new ExpositionError(lineNo, `# ${keyword} needs a metric name`);
      if (keyword === 'TYPE') {
        const type = (rest ?? '').trim();
        if (!TYPES[format].has(type)) throw new ExpositionError(lineNo, `unknown type ${JSON.stringify(type)} for ${family} (${[...TYPES[format]].join(', ')})`);
        if (types.has(family)) throw new ExpositionError(lineNo, `second # TYPE for ${family}`);
        types.set(family, type);
      } else if (keyword === 'HELP') {
        help.set(
          family,
          (rest ?? '').replace(/\\(n|\\|")/g, (_, c: string) => (c === 'n' ? '\n' : c)),
        );
      }
      continue;
    }
    const sample = parseSample(trimmed, lineNo, format);
    const created = sample.name.endsWith('_created') ? sample.name.slice(0, -'_created'.length) : undefined;
    if (created !== undefined && CREATED_TYPES.has(types.get(created) ?? '')) continue;
    samples.push(sample);
  }
  if (format === 'openmetrics' && !eof) throw new ExpositionError(lines.length, 'an OpenMetrics page must end with # EOF (cut short?)');
  return { samples, types, help };
}

/** The format an answer's Content-Type names; Prometheus' text format for anything else. */
export function formatOf(contentType: string | undefined): Format {
  return /^\s*application\/openmetrics-text/i.test(contentType ?? '') ? 'openmetrics' : 'prometheus';
}
