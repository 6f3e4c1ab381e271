/**
 * Writing a request on an open connection and reading the response head (status line and headers)
 * under the doctor's own timer: the one thing undici will not do with a black-holed proxy.
 */
import type { Duplex } from 'node:stream';
import type { SocketOptions } from '../context.js';

export interface ResponseHead {
  readonly statusCode: number;
  readonly reason: string;
  /** Header lines in order, names lower-cased. */
  readonly headers: readonly (readonly [string, string])[];
}

/** The first value of a header. */
export function header(head: ResponseHead, name: string): string | undefined {
  return head.headers.find(([n]) => n === name.toLowerCase())?.[1];
}

/** Every value of a header (Proxy-Authenticate comes once per scheme). */
export function headers(head: ResponseHead, name: string): string[] {
  return head.headers.filter(([n]) => n === name.toLowerCase()).map(([, v]) => v);
}

/** An error with a Node-style code: ETIMEDOUT, ECONNCLOSED (closed before answering), EBADRESPONSE, ABORTED. */
function netError(code: string, message: string): Error & { code: string } {
  return Object.assign(new Error(message), { code });
}

const MAX_HEAD = 64 * 1024;

/**
 * Writes `request` and resolves with the response head. The socket is left open and paused, so a
 * CONNECT tunnel can carry TLS next; the caller ends it.
 */
export function exchangeHead(socket: Duplex, request: string, options: SocketOptions & { readonly what: string }): Promise<ResponseHead> {
  return new Promise((resolve, reject) => {
    let buffer = Buffer.alloc(0);
    const cleanup = () => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onClosed);
      socket.off('close', onClosed);
      socket.off('error', onError);
      options.signal?.removeEventListener('abort', onAbort);
      socket.pause();
    };
    const fail = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onData = (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) {
        if (buffer.length > MAX_HEAD) fail(netError('EBADRESPONSE', `${options.what}: the answer has no end of headers`));
        return;
      }
      const head = parseHead(buffer.subarray(0, end).toString('latin1'));
      if (!head) return fail(netError('EBADRESPONSE', `${options.what}: the answer is not HTTP (${JSON.stringify(buffer.subarray(0, 40).toString('latin1'))})`));
      cleanup();
      // Anything after the head (a body) is not needed by any probe; put it back for a reader that wants it.
      const rest = buffer.subarray(end + 4);
      if (rest.length > 0) socket.unshift(rest);
      resolve(head);
    };
    const onClosed = () => fail(netError('ECONNCLOSED', `${options.what}: the connection was closed before an answer`));
    const onError = (err: NodeJS.ErrnoException) => fail(netError(err.code ?? 'ECONNRESET', `${options.what}: ${err.message}`));
    const onAbort = () => fail(netError('ABORTED', `${options.what}: stopped`));
    const timer = setTimeout(() => fail(netError('ETIMEDOUT', `${options.what}: no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    socket.on('data', onData);
    socket.once('end', onClosed);
    socket.once('close', onClosed);
    socket.once('error', onError);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    socket.resume();
    socket.write(request);
  });
}

/** Parses `HTTP/1.1 407 Proxy Authentication Required` and the header lines; `undefined` when it is not HTTP. */
function parseHead(text: string): ResponseHead | undefined {
  const [statusLine, ...lines] = text.split('\r\n');
  const match = /^HTTP\/\d(?:\.\d)? (\d{3})(?: (.*))?$/.exec(statusLine ?? '');
  if (!match) return undefined;
  const parsed: (readonly [string, string])[] = [];
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) parsed.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
  }
  return { statusCode: Number(match[1]), reason: match[2] ?? '', headers: parsed };
}
