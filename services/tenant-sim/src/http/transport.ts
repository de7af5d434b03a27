import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CallOutcome } from '../graph/graph-pipeline';

/** Sockets of requests told to hang; destroyed when the simulator closes so close() never waits. */
export class HungRequests {
  private readonly sockets = new Set<Socket>();

  hold(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  releaseAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }
}

/** Enacts an outcome over HTTP: a JSON answer, a request that never completes, or a dropped connection. */
export function sendOutcome(
  request: FastifyRequest,
  reply: FastifyReply,
  outcome: CallOutcome,
  hung: HungRequests,
): void {
  if (outcome.kind === 'answer') {
    reply.code(outcome.answer.status).headers(outcome.answer.headers).send(outcome.answer.body);
    return;
  }
  reply.hijack();
  if (outcome.kind === 'hang') hung.hold(request.raw.socket);
  else request.raw.socket.destroy();
}

export function originOf(request: FastifyRequest): string {
  return `https://${request.headers.host ?? request.hostname}`;
}

export function lowerCaseHeaders(request: FastifyRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === 'string') headers[name.toLowerCase()] = value;
  }
  return headers;
}

export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
