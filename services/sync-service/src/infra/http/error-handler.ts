import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { isConnectionLost } from '../db/connection-loss';
import { Problem, problemBody } from './problem';

const fastifyCodes: Record<string, Problem> = {
  FST_ERR_CTP_INVALID_JSON_BODY: Problem.badRequest('malformed_json', 'The request body is not valid JSON.'),
  FST_ERR_CTP_EMPTY_JSON_BODY: Problem.badRequest('malformed_json', 'The request body is empty.'),
  FST_ERR_CTP_BODY_TOO_LARGE: new Problem(
    413,
    'payload_too_large',
    'Payload too large',
    'The body exceeds 1 MiB.',
  ),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: new Problem(
    415,
    'unsupported_media_type',
    'Unsupported media type',
    'Send application/json.',
  ),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: Problem.badRequest('bad_content_length', 'Content-Length is wrong.'),
};

/**
 * A write whose connection dropped before its COMMIT reached the server was rolled back; one that dropped
 * while the server committed may have landed, so the detail promises nothing either way.
 */
const databaseUnavailable = Problem.unavailable(
  'database_unavailable',
  'The database connection was lost while answering; try again in a moment.',
  2,
);

/** Turns anything thrown by a route into application/problem+json; 5xx bodies hide internals. */
function toProblem(error: FastifyError): Problem {
  if (error instanceof Problem) return error;
  if (isConnectionLost(error)) return databaseUnavailable;
  if (error.validation) {
    const errors = error.validation.map((issue) => ({
      path: issue.instancePath,
      message: issue.message ?? '',
    }));
    const summary = errors.map((issue) => `${issue.path} ${issue.message}`).join('; ');
    return Problem.badRequest('validation_failed', `The request is invalid: ${summary}`, { errors });
  }
  if (error.code && fastifyCodes[error.code]) return fastifyCodes[error.code];
  if (error.statusCode === 429) return Problem.tooManyRequests('Too many attempts; try again later.');
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return Problem.badRequest('bad_request', error.message);
  }
  return new Problem(500, 'internal_error', 'Internal server error', 'Something went wrong on our side.');
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: Problem) {
  if (problem.retryAfterSeconds !== undefined) reply.header('retry-after', String(problem.retryAfterSeconds));
  return reply
    .code(problem.status)
    .type('application/problem+json')
    .send(problemBody(problem, request.url.split('?')[0], request.id));
}

export const errorHandlerPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      const problem = toProblem(error);
      if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
      else request.log.info({ code: problem.code, status: problem.status }, 'request rejected');
      return sendProblem(request, reply, problem);
    });
    app.setNotFoundHandler((request, reply) =>
      sendProblem(request, reply, Problem.notFound(`${request.method} ${request.url.split('?')[0]}`)),
    );
  },
  { name: 'error-handler' },
);

/** Errors Fastify meets before a route is chosen (a malformed or over-long URL) get a problem too. */
export function frameworkErrorAsProblem(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const problem =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? new Problem(414, 'uri_too_long', 'URI too long', 'A path parameter is longer than allowed.')
      : Problem.badRequest('bad_url', 'The URL is malformed.');
  return sendProblem(request, reply, problem);
}

const clientErrors: Record<string, Problem> = {
  HPE_HEADER_OVERFLOW: new Problem(
    431,
    'headers_too_large',
    'Request header fields too large',
    'The request headers exceed 16 KiB.',
  ),
  ERR_HTTP_REQUEST_TIMEOUT: new Problem(
    408,
    'request_timeout',
    'Request timeout',
    'The request took too long.',
  ),
};

/** What Node's HTTP parser refuses never reaches Fastify; it is answered as a problem on the raw socket. */
export function clientErrorAsProblem(error: NodeJS.ErrnoException, socket: Socket) {
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return;
  const problem =
    clientErrors[error.code ?? ''] ??
    Problem.badRequest('malformed_request', 'The HTTP request is malformed.');
  const body = JSON.stringify(problemBody(problem, '', ''));
  socket.end(
    `HTTP/1.1 ${problem.status} ${problem.title}\r\nContent-Type: application/problem+json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
