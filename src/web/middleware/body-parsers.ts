import express, { type RequestHandler } from 'express';

const json = express.json({ limit: '100kb' });
const form = express.urlencoded({ extended: false, limit: '200kb', parameterLimit: 2000 });

/** Methods whose body means nothing (RFC 9110 §9.3.1): one sent anyway is discarded, never an error. */
const BODILESS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The request says it carries a body: how long it is, or that it comes in chunks. */
function hasBody(req: express.Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] ?? '0') !== '0';
}

/**
 * JSON for the API, URL-encoded forms for pages, each with a size and field limit (their errors become 4xx). One step
 * of the chain, passed straight through by the bodiless requests most are. A body no parser understood (text, XML,
 * none at all) reads as an empty form, so validation answers it, not a crash.
 */
export const bodyParsers: RequestHandler = (req, res, next) => {
  const done = (err?: unknown) => {
    if (err) return next(err);
    if (req.body === undefined || req.body === null || typeof req.body !== 'object') req.body = {};
    next();
  };
  if (!hasBody(req)) return done();
  if (BODILESS.has(req.method)) {
    // read to its end and thrown away before the answer, so no client is still sending while it is written
    req
      .once('end', () => done())
      .once('error', next)
      .resume();
    return;
  }
  json(req, res, (err?: unknown) => (err ? next(err) : form(req, res, done)));
};
