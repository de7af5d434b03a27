import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';

export interface RawResponse {
  status: number;
  contentType: string;
  body: string;
}

export interface RawRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
}

export type RawSender = (request: RawRequest) => Promise<RawResponse>;

/** Bodies this large are refused before they are read, so the server may close while they are sent. */
const largeBody = 512 * 1024;

/**
 * Sends requests over a real socket, byte for byte as given: the URL is not normalised and no headers
 * are added, so malformed encodings reach the server as a hostile client would send them. (`app.inject`
 * would be faster but cannot load under jest: light-my-request requires the ES-module-only `cookie`.)
 */
export async function rawSenderFor(app: FastifyInstance): Promise<{ send: RawSender; close(): void }> {
  if (!app.server.listening) await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const sendOnAgent = (request: RawRequest, attempt = 1): Promise<RawResponse> =>
    new Promise((resolve, reject) => {
      const outgoing = http.request(
        {
          host: '127.0.0.1',
          port,
          agent,
          method: request.method,
          path: request.url,
          headers: request.headers,
        },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('end', () =>
            resolve({
              status: incoming.statusCode ?? 0,
              contentType: String(incoming.headers['content-type'] ?? ''),
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      outgoing.on('error', (error: NodeJS.ErrnoException) => {
        // A kept-alive connection the server closed after its last answer: the request never reached
        // the server, so sending it again on a fresh connection is safe (Node's documented pattern).
        if (outgoing.reusedSocket && error.code === 'ECONNRESET' && attempt === 1) {
          resolve(sendOnAgent(request, attempt + 1));
          return;
        }
        reject(new Error(`${request.method} ${request.url.slice(0, 200)}: ${error.message}`));
      });
      outgoing.end(request.payload);
    });
  const send: RawSender = (request) =>
    (request.payload?.length ?? 0) > largeBody ? sendOnOwnConnection(port, request) : sendOnAgent(request);
  return { send, close: () => agent.destroy() };
}

/**
 * An oversized body goes on a connection of its own: the server answers 413 and closes it while the body
 * is still being written, and the answer must be read even though the write fails.
 */
function sendOnOwnConnection(port: number, request: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (chunk) => received.push(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      const text = Buffer.concat(received).toString('utf8');
      const [head, ...body] = text.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
      if (!status) return reject(new Error(`no answer to an oversized ${request.method} ${request.url}`));
      const contentType = /^content-type: *(.*)$/im.exec(head)?.[1]?.trim() ?? '';
      resolve({ status, contentType, body: body.join('\r\n\r\n') });
    });
    const payload = Buffer.isBuffer(request.payload)
      ? request.payload
      : Buffer.from(request.payload ?? '', 'utf8');
    const headers = Object.entries({ ...request.headers, 'content-length': String(payload.length) })
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    socket.write(
      `${request.method} ${request.url} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n${headers}\r\n`,
    );
    socket.end(payload);
  });
}
