import type { Readable } from 'node:stream';
import type { paths, QueryDefaults } from '@adsync/shared';
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
  RouteHandlerMethod,
  RouteShorthandOptions,
} from 'fastify';

/**
 * Routes are registered by their path and method as openapi.yaml spells them, and their handlers take every
 * type from the types generated out of that file: params, query, body, and the reply of each success status.
 * A handler that returns, or a `reply.code(n).send(x)` that sends, what the contract does not describe for
 * that status does not compile; a path or method the contract lacks does not either.
 */

type HttpMethod = 'get' | 'put' | 'post' | 'patch' | 'delete';
export type ContractPath = keyof paths;

/** The methods the contract describes on a path. */
export type ContractMethod<Path extends ContractPath> = {
  [Method in HttpMethod]: [NonNullable<paths[Path][Method]>] extends [never] ? never : Method;
}[HttpMethod];

type Operation<Path extends ContractPath, Method extends HttpMethod> = NonNullable<paths[Path][Method]>;

type Present<Shape> = [NonNullable<Shape>] extends [never] ? unknown : NonNullable<Shape>;

type ParamsOf<Op> = Op extends { parameters: { path?: infer Params } } ? Present<Params> : unknown;

type HeadersOf<Op> = Op extends { parameters: { header?: infer Headers } } ? Present<Headers> : unknown;

/** Query parameters with a default are filled in by validation, so the handler reads them as present. */
type QueryOf<Path extends ContractPath, Method extends HttpMethod> =
  Operation<Path, Method> extends {
    parameters: { query?: infer Query };
  }
    ? Path extends keyof QueryDefaults
      ? Method extends keyof QueryDefaults[Path]
        ? Present<Query> & Required<Pick<Present<Query>, QueryDefaults[Path][Method] & keyof Present<Query>>>
        : Present<Query>
      : Present<Query>
    : unknown;

type BodyOf<Op> = Op extends { requestBody?: { content: infer Content } } ? Content[keyof Content] : unknown;

type SuccessStatus = 200 | 201 | 202 | 204;

/** JSON as its schema says; any other media type (a CSV, an event stream) as text, or streamed. */
type ContentBody<Content> = Content extends { 'application/json': infer Json } ? Json : string | Readable;

/** What each success status of the operation carries; a status without content carries nothing. */
type ReplyOf<Op> = Op extends { responses: infer Responses }
  ? {
      [Status in keyof Responses & SuccessStatus]: Responses[Status] extends { content: infer Content }
        ? ContentBody<Content>
        : undefined;
    }
  : unknown;

export interface ContractRoute<Path extends ContractPath, Method extends ContractMethod<Path>> {
  Params: ParamsOf<Operation<Path, Method>>;
  Headers: HeadersOf<Operation<Path, Method>>;
  Querystring: QueryOf<Path, Method>;
  Body: BodyOf<Operation<Path, Method>>;
  Reply: ReplyOf<Operation<Path, Method>>;
}

/** The body of any success status, what a handler may return (or send through `reply.code(status)`). */
type SuccessBody<Reply> = Reply[keyof Reply];

export type ContractHandler<Path extends ContractPath, Method extends ContractMethod<Path>> = (
  this: FastifyInstance,
  request: FastifyRequest<ContractRoute<Path, Method>>,
  reply: FastifyReply<ContractRoute<Path, Method>>,
) => Promise<SuccessBody<ContractRoute<Path, Method>['Reply']> | FastifyReply | undefined>;

/** `/api/users/{id}` → `/api/users/:id`. */
export function fastifyPath(contractPath: string): string {
  return contractPath.replace(/\{([^}]+)\}/g, ':$1');
}

/** Serves one operation of openapi.yaml; validation, access and response checks attach by the contract plugin. */
export function serve<Path extends ContractPath, Method extends ContractMethod<Path>>(
  app: FastifyInstance,
  method: Method,
  path: Path,
  handler: NoInfer<ContractHandler<Path, Method>>,
  options: Pick<RouteShorthandOptions, 'config'> = {},
): void {
  app.route<ContractRoute<Path, Method>>({
    ...options,
    method: method.toUpperCase() as Uppercase<Method>,
    url: fastifyPath(path),
    // The handler's own type is the narrower one above; Fastify's also admits the reply map itself.
    handler: handler as unknown as RouteHandlerMethod<
      RawServerDefault,
      RawRequestDefaultExpression,
      RawReplyDefaultExpression,
      ContractRoute<Path, Method>
    >,
  });
}
