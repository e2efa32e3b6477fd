import path from 'node:path';
import express, { type RequestHandler } from 'express';
import type { Config } from '../../config';

/**
 * GOV.UK Frontend's assets and the app's own files, cached for a day in production: each with the address it is
 * mounted at, so a page request passes each with one prefix test rather than entering a router.
 */
export function staticFiles(root: string, config: Config): [mountedAt: string, serve: RequestHandler][] {
  const govuk = path.join(root, 'node_modules', 'govuk-frontend', 'dist', 'govuk');
  const options = { maxAge: config.NODE_ENV === 'production' ? '1d' : 0, index: false, fallthrough: true };
  return [
    ['/assets', express.static(path.join(govuk, 'assets'), options)],
    ['/static/govuk', express.static(govuk, { ...options, extensions: [] })],
    ['/static', express.static(path.join(root, 'public'), options)],
  ];
}
