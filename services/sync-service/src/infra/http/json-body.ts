import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Problem } from './problem';

/** Fails on any byte sequence that is not UTF-8. */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * JSON is the only body this API reads. Fastify's own text/plain parser is removed, so a body of any other
 * media type is refused with 415 `unsupported_media_type`. JSON is UTF-8 (RFC 8259, section 8.1): a body
 * that is not is refused with 400 `malformed_json` rather than having its bad bytes replaced with U+FFFD
 * and stored.
 */
export const jsonBodyPlugin = fp(
  async (app: FastifyInstance) => {
    const parseJson = app.getDefaultJsonParser('error', 'error');
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
      let text: string;
      try {
        text = strictUtf8.decode(body as Buffer);
      } catch {
        done(Problem.badRequest('malformed_json', 'The request body is not valid UTF-8.'), undefined);
        return;
      }
      parseJson(request, text, done);
    });
  },
  { name: 'json-body' },
);
