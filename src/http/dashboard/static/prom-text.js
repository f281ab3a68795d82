// @ts-check
/**
 * Parser for the Prometheus text exposition format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format), enough for
 * what /metrics serves: samples with labels, HELP/TYPE comments, optional timestamps.
 *
 * @typedef {{ name: string, labels: Record<string, string>, value: number }} Sample
 * @typedef {{ samples: Sample[], types: Map<string, string> }} Scrape
 */

/** @param {string} text @returns {Scrape} */
export function parsePrometheusText(text) {
  /** @type {Sample[]} */
  const samples = [];
  const types = new Map();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      const type = /^#\s*TYPE\s+(\S+)\s+(\S+)/.exec(line);
      if (type) types.set(type[1], type[2]);
      continue;
    }
    const sample = parseSample(line);
    if (sample) samples.push(sample);
  }
  return { samples, types };
}

/** @param {string} line @returns {Sample | undefined} */
function parseSample(line) {
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  if (!nameMatch) return undefined;
  const name = nameMatch[0];
  let at = name.length;
  /** @type {Record<string, string>} */
  const labels = {};
  if (line[at] === '{') {
    at++;
    for (;;) {
      while (line[at] === ' ' || line[at] === ',') at++;
      if (line[at] === '}') {
        at++;
        break;
      }
      const labelMatch = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line.slice(at));
      if (!labelMatch) return undefined;
      at += labelMatch[0].length;
      while (line[at] === ' ') at++;
      if (line[at] !== '=') return undefined;
      at++;
      while (line[at] === ' ') at++;
      if (line[at] !== '"') return undefined;
      at++;
      let value = '';
      while (at < line.length && line[at] !== '"') {
        if (line[at] === '\\') {
          const next = line[at + 1];
          value += next === 'n' ? '\n' : (next ?? '');
          at += 2;
        } else {
          value += line[at];
          at++;
        }
      }
      if (line[at] !== '"') return undefined;
      at++;
      labels[labelMatch[0]] = value;
    }
  }
  const [valueText = ''] = line.slice(at).trim().split(/\s+/);
  const value = parseValue(valueText);
  return value === undefined ? undefined : { name, labels, value };
}

/**
 * Like Go's strconv.ParseFloat, which Prometheus uses: NaN and Inf in any case (prom-client
 * writes `Nan`).
 * @param {string} text
 */
function parseValue(text) {
  const lower = text.toLowerCase();
  if (lower === 'nan') return NaN;
  if (lower === '+inf' || lower === 'inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  const value = Number(text);
  return text === '' || Number.isNaN(value) ? undefined : value;
}
