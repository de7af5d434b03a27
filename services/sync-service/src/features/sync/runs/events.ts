import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { syncRunView } from './run-view';
import { followRun } from './run-watch';

/** A comment line now and then keeps proxies from closing a quiet stream. */
const keepAliveMs = 15_000;

function sseEvent(event: 'progress' | 'end', data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Server-sent events of one run: its current state at once, then each change, then `end` with the final
 * run, and the stream closes. It follows the run's row, so it works for a run executed by another process.
 */
export function syncRunEvents(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  runId: string,
) {
  const stream = new PassThrough();
  const stop = new AbortController();
  const signal = AbortSignal.any([stop.signal, app.syncEngine.closing]);
  reply.raw.once('close', () => stop.abort());
  const keepAlive = setInterval(() => stream.write(': keep-alive\n\n'), keepAliveMs);

  followRun(app.db, app.syncEngine.progress, runId, signal, (run) => {
    stream.write(sseEvent('progress', syncRunView(run)));
  })
    .then((ended) => {
      if (ended) stream.write(sseEvent('end', syncRunView(ended)));
    })
    .catch((error) => request.log.error({ err: error, runId }, 'sync event stream failed'))
    .finally(() => {
      clearInterval(keepAlive);
      stream.end();
    });

  return reply
    .header('content-type', 'text/event-stream; charset=utf-8')
    .header('cache-control', 'no-cache, no-transform')
    .header('x-accel-buffering', 'no')
    .send(stream);
}
