/** A request id a client may choose (X-Request-Id): short, and nothing a log or a header could choke on. */
const clientRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

/** The client's X-Request-Id when it is one, else a fresh UUID: logs and problems never carry arbitrary text. */
export function requestIdOf(request: { headers: Record<string, string | string[] | undefined> }): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && clientRequestId.test(given) ? given : crypto.randomUUID();
}
