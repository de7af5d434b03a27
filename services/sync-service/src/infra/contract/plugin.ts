import type { FastifyInstance, FastifySchemaValidationError } from 'fastify';
import fp from 'fastify-plugin';
import type { Contract, ContractOperation } from './contract';
import { compileFor, describeErrors, type FieldError, findUnstorableText, responseAjv } from './validators';

declare module 'fastify' {
  interface FastifyContextConfig {
    operation?: ContractOperation;
  }
  interface FastifyInstance {
    contract: Contract;
    /** Responses that broke the contract; only collected when `checkResponses` is on. */
    contractViolations: string[];
  }
}

export interface ContractPluginOptions {
  contract: Contract;
  /** Validate every response against the contract (tests turn this on). */
  checkResponses?: boolean;
}

/**
 * Routes are written in code; their validation schemas and access rules come from openapi.yaml. A route
 * under /api that the contract lacks is refused at start, so the two cannot drift apart silently.
 */
export const contractPlugin = fp(
  async (app: FastifyInstance, { contract, checkResponses }: ContractPluginOptions) => {
    app.decorate('contract', contract);
    app.decorate('contractViolations', [] as string[]);

    app.setValidatorCompiler(({ schema, httpPart }) => {
      const validate = compileFor(httpPart, schema);
      const part = httpPart ?? 'request';
      return (data: unknown) => {
        if (!validate(data)) return { error: validationFailure(describeErrors(validate.errors, part)) };
        const unstorable = findUnstorableText(data, part);
        return unstorable ? { error: validationFailure([unstorable]) } : { value: data };
      };
    });

    app.addHook('onRoute', (route) => {
      const routeMethods = Array.isArray(route.method) ? route.method : [route.method];
      if (routeMethods.includes('HEAD') || !isContractPath(route.url)) return;
      const operation = contract.find(routeMethods[0], route.url);
      if (!operation)
        throw new Error(`${routeMethods[0]} ${route.url} is served but missing from openapi.yaml`);
      route.config = { ...(route.config ?? {}), operation };
      route.schema = {
        ...(operation.params && { params: operation.params }),
        ...(operation.querystring && { querystring: operation.querystring }),
        ...(operation.headers && { headers: operation.headers }),
        ...(operation.body && { body: operation.body }),
      };
    });

    if (checkResponses) {
      app.addHook('onSend', async (request, reply, payload) => {
        const operation = request.routeOptions.config.operation;
        if (!operation || typeof payload !== 'string') return payload;
        const violation = checkResponse(
          operation,
          reply.statusCode,
          String(reply.getHeader('content-type')),
          payload,
        );
        if (violation) app.contractViolations.push(`${request.method} ${request.url}: ${violation}`);
        return payload;
      });
    }
  },
  { name: 'contract' },
);

function validationFailure(fieldErrors: FieldError[]) {
  const error = new Error('validation failed') as Error & { validation: FastifySchemaValidationError[] };
  error.validation = fieldErrors.map((fieldError) => ({
    keyword: 'contract',
    instancePath: fieldError.path,
    schemaPath: '',
    params: {},
    message: fieldError.message,
  }));
  return error;
}

export function isContractPath(url: string): boolean {
  return url.startsWith('/api/') || url === '/healthz' || url === '/readyz' || url === '/metrics';
}

function checkResponse(operation: ContractOperation, status: number, contentType: string, payload: string) {
  const response = operation.responses[String(status)];
  if (!response) return `status ${status} is not in the contract`;
  const mediaType = contentType.split(';')[0].trim();
  if (payload === '' && Object.keys(response).length === 0) return null;
  if (!(mediaType in response)) return `content type ${mediaType} is not in the contract for ${status}`;
  const schema = response[mediaType];
  if (!schema) return null;
  const validate = responseAjv.compile(schema);
  const isJson = mediaType === 'application/json' || mediaType.endsWith('+json');
  if (validate(isJson ? JSON.parse(payload) : payload)) return null;
  return `status ${status} body does not match: ${JSON.stringify(describeErrors(validate.errors, 'body'))}`;
}
