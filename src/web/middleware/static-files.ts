import path from 'node:path';
import express, { type RequestHandler } from 'express';
import type { Config } from '../../config';

/**
 * GOV.UK Frontend's assets and the app's own files, cached for a day in production: each folder with the prefix it is
 * served under, for the app to mount one by one (a request for a page then passes three prefix checks instead of
 * entering a router of its own).
 */
export function staticFiles(root: string, config: Config): [prefix: string, serve: RequestHandler][] {
  const govuk = path.join(root, 'node_modules', 'govuk-frontend', 'dist', 'govuk');
  const options = { maxAge: config.NODE_ENV === 'production' ? '1d' : 0, index: false, fallthrough: true };
  return [
    ['/assets', express.static(path.join(govuk, 'assets'), options)],
    ['/static/govuk', express.static(govuk, { ...options, extensions: [] })],
    ['/static', express.static(path.join(root, 'public'), options)],
  ];
}
