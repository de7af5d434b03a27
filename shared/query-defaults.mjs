// Writes query-defaults.d.ts: for each operation, the query parameters that openapi.yaml gives a default.
// openapi-typescript types every query parameter as optional, but request validation fills the defaults
// in, so a handler reads them as present; this list, taken from the same file, tells the types which.
import { readFileSync, writeFileSync } from 'node:fs';
import YAML from 'yaml';

const contract = YAML.parse(readFileSync(new URL('../openapi.yaml', import.meta.url), 'utf8'));
const methods = ['get', 'put', 'post', 'patch', 'delete'];

function resolve(node) {
  if (!node?.$ref) return node;
  const path = node.$ref.replace(/^#\//, '').split('/');
  return resolve(path.reduce((at, key) => at[key], contract));
}

const lines = [];
for (const [path, item] of Object.entries(contract.paths)) {
  const shared = item.parameters ?? [];
  const entries = [];
  for (const method of methods) {
    const operation = item[method];
    if (!operation) continue;
    const defaulted = [...shared, ...(operation.parameters ?? [])]
      .map(resolve)
      .filter((parameter) => parameter.in === 'query' && resolve(parameter.schema)?.default !== undefined)
      .map((parameter) => JSON.stringify(parameter.name));
    if (defaulted.length > 0) entries.push(`    ${method}: ${defaulted.join(' | ')};`);
  }
  if (entries.length > 0) lines.push(`  ${JSON.stringify(path)}: {`, ...entries, '  };');
}

writeFileSync(
  new URL('./query-defaults.d.ts', import.meta.url),
  [
    '// Generated from openapi.yaml by query-defaults.mjs; do not edit.',
    '/** Per path and method, the query parameters that have a default, so are present after validation. */',
    'export interface QueryDefaults {',
    ...lines,
    '}',
    '',
  ].join('\n'),
);
