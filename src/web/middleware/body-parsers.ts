import express, { type RequestHandler } from 'express';

/** A body no parser understood (text, XML, none at all) reads as an empty form, so validation answers it, not a crash. */
const emptyBodyAsObject: RequestHandler = (req, _res, next) => {
  if (req.body === undefined || req.body === null || typeof req.body !== 'object') req.body = {};
  next();
};

/** JSON for the API, URL-encoded forms for pages, each with a size and field limit (their errors become 4xx). */
export function bodyParsers(): RequestHandler[] {
  return [
    express.json({ limit: '100kb' }),
    express.urlencoded({ extended: false, limit: '200kb', parameterLimit: 2000 }),
    emptyBodyAsObject,
  ];
}
