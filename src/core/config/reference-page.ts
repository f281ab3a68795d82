import { isField, isSection, type Field, type Fields, type JsonSchema, type Section } from './field.js';
import { berthYamlSchema } from './schema.js';

/**
 * docs/configuration.md and docs/berth.schema.json, generated from the config schema (pure).
 * `npm run docs:config` writes them; a test fails when they are stale.
 */
export function configurationPage(): string {
  const lines = [
    '# Configuration reference',
    '',
    '<!-- Generated from the config schema (src/core/config/) by `npm run docs:config`; do not edit. -->',
    '',
    "Every setting has a default and a place in `berth.yaml`; many also have a flag, and the server's a `BERTH_*`",
    'environment variable named after the flag. Precedence, highest first: flag, environment variable, `berth.yaml`,',
    'default. A key `berth.yaml` does not know is refused, naming the closest known key; a bad value is refused',
    'naming the setting and where it came from. Secrets are never printed. Paths in `berth.yaml` are relative to its',
    'folder. Editors that read JSON Schema can check a `berth.yaml` against [berth.schema.json](berth.schema.json)',
    '(first line: `# yaml-language-server: $schema=<path to berth.schema.json>`).',
    '',
    'The flags belong to the commands that use the settings: server, grpc, limits, batching, onnx, log and',
    'repository to `berth serve` (repository.path also to the commands that take NAME@ALIAS); deploy to',
    "`berth manifests` and `berth deploy`; plan and deploy.autoscaling's HPA to `berth plan`; plan.bench to",
    '`berth bench`.',
    '',
    `Contents: ${Object.entries(berthYamlSchema.fields)
      .filter(([, node]) => hasSettings(node))
      .map(([key]) => `[${key}](#${key})`)
      .join(' · ')}`,
  ];
  for (const [key, node] of Object.entries(berthYamlSchema.fields)) {
    if (isSection(node)) lines.push(...sectionText(node, [key], 2));
    else if (isField(node)) lines.push('', `## ${key}`, '', node.doc, '', ...table([[key, node]]));
  }
  return `${lines.join('\n')}\n`;
}

function hasSettings(node: unknown): boolean {
  return isField(node) || (isSection(node) && Object.values(node.fields).some(hasSettings));
}

function sectionText(section: Section, path: string[], level: number): string[] {
  if (!hasSettings(section)) return [];
  const rows: Array<[string, Field<unknown>]> = [];
  const nested: string[] = [];
  for (const [key, node] of Object.entries(section.fields)) {
    if (isField(node)) rows.push([[...path, node.yaml ?? key].join('.'), node]);
    else if (isSection(node)) nested.push(...sectionText(node, [...path, key], Math.min(level + 1, 4)));
  }
  return [
    '',
    `${'#'.repeat(level)} ${path.join('.')}`,
    '',
    section.doc,
    ...(rows.length > 0 ? ['', ...table(rows)] : []),
    ...nested,
  ];
}

function table(rows: Array<[string, Field<unknown>]>): string[] {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const code = (text: string | undefined) => (text ? `\`${text}\`` : '');
  return [
    '| Key | Type | Default | Flag | Variable | Meaning |',
    '|---|---|---|---|---|---|',
    ...rows.map(([key, field]) => {
      const flags =
        [field.short, field.flag, ...(field.aliases ?? [])].filter(Boolean).map(code).join(', ') +
        (field.switch === 'negatable' ? `, \`--no-${field.flag!.slice(2)}\`` : '');
      return `| ${code(key)} | ${cell(field.type)} | ${cell(defaultShown(field))} | ${flags} | ${code(field.env)} | ${cell(field.doc)} |`;
    }),
  ];
}

function defaultShown(field: Field<unknown>): string {
  if (field.secret) return '(none)';
  if (field.defaultText) return field.defaultText;
  if (field.default === undefined) return '(none)';
  if (field.default === '') return '""';
  return `\`${typeof field.default === 'string' ? field.default : JSON.stringify(field.default)}\``;
}

/** JSON Schema (2020-12) of berth.yaml: every key, its type, bounds, default and meaning; nothing else allowed. */
export function berthYamlJsonSchema(): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://berth.dev/berth.schema.json',
    title: 'berth.yaml',
    description: 'Berth model and server configuration (docs/configuration.md).',
    ...objectSchema(berthYamlSchema.fields),
  };
}

function objectSchema(fields: Fields, doc?: string): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const [key, node] of Object.entries(fields)) {
    if (isSection(node)) {
      if (hasSettings(node)) properties[key] = objectSchema(node.fields, node.doc);
    } else if (isField(node)) {
      // A field spelt under a nested key (`sink.url`) gets that nesting.
      const [head, ...rest] = (node.yaml ?? key).split('.');
      if (rest.length === 0) properties[head!] = node.jsonSchema;
      else {
        const holder = (properties[head!] ??= { type: 'object', additionalProperties: false, properties: {} }) as {
          properties: Record<string, JsonSchema>;
        };
        holder.properties[rest.join('.')] = node.jsonSchema;
      }
    }
  }
  return { type: 'object', ...(doc ? { description: doc } : {}), additionalProperties: false, properties };
}
