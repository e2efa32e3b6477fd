import type { Response } from 'express';

/** Calls `done` with the body of every HTML response once it is sent, however it was written (send, write, end). */
export function onHtmlBody(res: Response, done: (body: string) => void): void {
  const chunks: Buffer[] = [];
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  const keep = (chunk: unknown) => {
    if (chunk && typeof chunk !== 'function') chunks.push(Buffer.from(chunk as string));
  };
  (res as unknown as { write: unknown }).write = (chunk: unknown, ...rest: unknown[]) => {
    keep(chunk);
    return write(chunk, ...rest);
  };
  (res as unknown as { end: unknown }).end = (chunk: unknown, ...rest: unknown[]) => {
    keep(chunk);
    if (/html/.test(String(res.getHeader('content-type') ?? ''))) done(Buffer.concat(chunks).toString());
    return end(chunk, ...rest);
  };
}
