import fs from 'node:fs';
import YAML from 'yaml';

type JsonSchema = Record<string, unknown>;

export interface ContractOperation {
  operationId: string;
  method: string;
  /** The path as the contract spells it: /api/sync/runs/{id} */
  path: string;
  /** The same path in Fastify's syntax: /api/sync/runs/:id */
  routePath: string;
  /** True when the operation needs no identity. */
  isPublic: boolean;
  /** Administrators (session) may call it; API keys need one of these scopes; null: API keys may not. */
  apiKeyScopes: string[] | null;
  params?: JsonSchema;
  querystring?: JsonSchema;
  headers?: JsonSchema;
  body?: JsonSchema;
  /** A request may leave the body out (`requestBody.required` is not true): it then reads as `{}`. */
  bodyOptional: boolean;
  /** Response schemas by status and content type, for conformance checks. */
  responses: Record<string, Record<string, JsonSchema | undefined>>;
}

export interface Contract {
  document: JsonSchema;
  operations: ContractOperation[];
  find(method: string, routePath: string): ContractOperation | undefined;
}

interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonSchema;
  description?: string;
}

interface OpenApiOperation {
  operationId: string;
  parameters?: OpenApiParameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
  responses?: Record<string, { content?: Record<string, { schema?: JsonSchema }> }>;
  security?: Array<Record<string, string[]>>;
}

const methods = ['get', 'put', 'post', 'patch', 'delete'] as const;

/** Loads openapi.yaml, the source of truth for routes, validation, access and response shapes. */
export function loadContract(file: string): Contract {
  const raw = YAML.parse(fs.readFileSync(file, 'utf8')) as JsonSchema;
  // The raw document is what Swagger UI shows; the dereferenced copy feeds the validators.
  const document = structuredClone(raw);
  const resolved = dereference(raw, raw) as {
    paths: Record<string, Record<string, unknown>>;
    security?: Array<Record<string, string[]>>;
  };
  const operations: ContractOperation[] = [];
  for (const [openApiPath, pathItem] of Object.entries(resolved.paths)) {
    const shared = (pathItem.parameters as OpenApiParameter[] | undefined) ?? [];
    for (const method of methods) {
      const operation = pathItem[method] as OpenApiOperation | undefined;
      if (!operation) continue;
      const parameters = [...shared, ...(operation.parameters ?? [])];
      const security = operation.security ?? resolved.security ?? [];
      operations.push({
        operationId: operation.operationId,
        method: method.toUpperCase(),
        path: openApiPath,
        routePath: openApiPath.replace(/\{([^}]+)\}/g, ':$1'),
        isPublic: security.length === 0,
        apiKeyScopes: security.find((requirement) => 'apiKey' in requirement)?.apiKey ?? null,
        params: parameterSchema(parameters, 'path', false),
        querystring: parameterSchema(parameters, 'query', false),
        headers: parameterSchema(parameters, 'header', true),
        body: operation.requestBody?.content?.['application/json']?.schema,
        bodyOptional: operation.requestBody?.required !== true,
        responses: Object.fromEntries(
          Object.entries(operation.responses ?? {}).map(([status, response]) => [
            status,
            Object.fromEntries(
              Object.entries(response.content ?? {}).map(([type, media]) => [type, media.schema]),
            ),
          ]),
        ),
      });
    }
  }
  const byRoute = new Map(
    operations.map((operation) => [`${operation.method} ${operation.routePath}`, operation]),
  );
  return { document, operations, find: (method, routePath) => byRoute.get(`${method} ${routePath}`) };
}

function parameterSchema(
  parameters: OpenApiParameter[],
  location: OpenApiParameter['in'],
  allowOthers: boolean,
): JsonSchema | undefined {
  const selected = parameters.filter((parameter) => parameter.in === location);
  if (selected.length === 0 && allowOthers) return undefined;
  const key = (name: string) => (location === 'header' ? name.toLowerCase() : name);
  return {
    type: 'object',
    additionalProperties: allowOthers,
    properties: Object.fromEntries(
      selected.map((parameter) => [key(parameter.name), parameter.schema ?? {}]),
    ),
    required: selected.filter((parameter) => parameter.required).map((parameter) => key(parameter.name)),
  };
}

/**
 * Replaces every local `$ref` (`#/components/...`) by the object it names. The contract uses no remote
 * references and no recursive schemas, so a plain walk is enough.
 */
function dereference(node: unknown, root: JsonSchema): unknown {
  if (Array.isArray(node)) return node.map((item) => dereference(item, root));
  if (node === null || typeof node !== 'object') return node;
  const ref = (node as { $ref?: unknown }).$ref;
  if (typeof ref === 'string') {
    if (!ref.startsWith('#/')) throw new Error(`Only local references are supported: ${ref}`);
    const target = ref
      .slice(2)
      .split('/')
      .reduce<unknown>(
        (parent, key) => (parent as Record<string, unknown>)?.[key.replace(/~1/g, '/').replace(/~0/g, '~')],
        root,
      );
    if (target === undefined) throw new Error(`Unresolved reference ${ref}`);
    return dereference(target, root);
  }
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, dereference(value, root)]));
}
