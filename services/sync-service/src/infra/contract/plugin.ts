import type {
  FastifyInstance,
  FastifyPluginAsync,
  FastifyPluginCallback,
  FastifyPluginOptions,
  FastifyRequest,
  FastifySchemaValidationError,
} from 'fastify';
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
    /** The routes served outside openapi.yaml on purpose, each with its reason (HEAD answers as GET). */
    routesOutsideContract: RouteOutsideContract[];
  }
}

export interface RouteOutsideContract {
  method: string;
  url: string;
  reason: string;
}

const outsideContractReason = Symbol('outsideContractReason');
type MarkedScope = FastifyInstance & { [outsideContractReason]?: string };

/**
 * Registers a plugin whose routes are served outside openapi.yaml on purpose (static files, Swagger UI):
 * no identity is asked and the contract validates nothing there. The reason is the declaration; a route the
 * contract describes keeps its operation even when registered here.
 */
export function outsideContract<Options extends FastifyPluginOptions>(
  reason: string,
  plugin: FastifyPluginAsync<Options>,
): FastifyPluginAsync<Options>;
export function outsideContract<Options extends FastifyPluginOptions>(
  reason: string,
  plugin: FastifyPluginCallback<Options>,
): FastifyPluginAsync<Options>;
export function outsideContract<Options extends FastifyPluginOptions>(
  reason: string,
  plugin: FastifyPluginAsync<Options> | FastifyPluginCallback<Options>,
): FastifyPluginAsync<Options> {
  if (reason.trim() === '') throw new Error('A route outside the contract needs the reason it is public');
  return async (scope, options) => {
    // Encapsulated scopes inherit from their parent's prototype, so nested plugins carry the mark too.
    (scope as MarkedScope)[outsideContractReason] = reason;
    await scope.register(plugin as FastifyPluginAsync<Options>, options);
  };
}

/** An optional body left out is validated and handled as an empty object. */
async function emptyBodyAsObject(request: FastifyRequest) {
  request.body ??= {};
}

export interface ContractPluginOptions {
  contract: Contract;
  /** Validate every response against the contract (tests turn this on). */
  checkResponses?: boolean;
}

/**
 * Routes are written in code; their validation schemas and access rules come from openapi.yaml. Routes are
 * closed by default: one that the contract lacks is refused at start, whatever its path or method, unless
 * it was registered through `outsideContract` with a reason. So the two cannot drift apart silently, and
 * no route starts without authentication by omission.
 */
export const contractPlugin = fp(
  async (app: FastifyInstance, { contract, checkResponses }: ContractPluginOptions) => {
    app.decorate('contract', contract);
    app.decorate('contractViolations', [] as string[]);
    app.decorate('routesOutsideContract', [] as RouteOutsideContract[]);

    app.setValidatorCompiler(({ schema, httpPart }) => {
      const validate = compileFor(httpPart, schema);
      const part = httpPart ?? 'request';
      return (data: unknown) => {
        if (!validate(data)) return { error: validationFailure(describeErrors(validate.errors, part)) };
        const unstorable = findUnstorableText(data, part);
        return unstorable ? { error: validationFailure([unstorable]) } : { value: data };
      };
    });

    app.addHook('onRoute', function attachOperation(route) {
      const routeMethods = Array.isArray(route.method) ? route.method : [route.method];
      const reason = (this as MarkedScope)[outsideContractReason];
      // A HEAD route answers as the GET of its path does, so it is guarded and validated as that operation.
      const methods = [...new Set(routeMethods.map((method) => (method === 'HEAD' ? 'GET' : method)))];
      const operation = methods.length === 1 ? contract.find(methods[0], route.url) : undefined;
      if (!operation) {
        if (reason === undefined)
          throw new Error(
            `${routeMethods.join(',')} ${route.url} is served but missing from openapi.yaml; describe it ` +
              'there, or register it through outsideContract(reason, plugin) if it is public on purpose',
          );
        const listed = routeMethods.filter((method) => method !== 'HEAD');
        if (listed.length > 0)
          app.routesOutsideContract.push({ method: listed.join(','), url: route.url, reason });
        return;
      }
      route.config = { ...(route.config ?? {}), operation };
      route.schema = {
        ...(operation.params && { params: operation.params }),
        ...(operation.querystring && { querystring: operation.querystring }),
        ...(operation.headers && { headers: operation.headers }),
        ...(operation.body && { body: operation.body }),
      };
      if (operation.body && operation.bodyOptional) {
        const hooks = route.preValidation ?? [];
        route.preValidation = [emptyBodyAsObject, ...(Array.isArray(hooks) ? hooks : [hooks])];
      }
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

/** Paths the contract owns: the web app's fallback never answers them. */
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
