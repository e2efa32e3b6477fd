import path from 'node:path';
import express, { Router } from 'express';
import type { Config } from '../../config';

/** GOV.UK Frontend's assets and the app's own files, cached for a day in production. */
export function staticFiles(root: string, config: Config): Router {
  const govuk = path.join(root, 'node_modules', 'govuk-frontend', 'dist', 'govuk');
  const options = { maxAge: config.NODE_ENV === 'production' ? '1d' : 0, index: false, fallthrough: true };
  return Router()
    .use('/assets', express.static(path.join(govuk, 'assets'), options))
    .use('/static/govuk', express.static(govuk, { ...options, extensions: [] }))
    .use('/static', express.static(path.join(root, 'public'), options));
}
