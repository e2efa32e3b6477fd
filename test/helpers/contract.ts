import express, { type Express } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import { openApiDocumentOf, type OpenApiDocument } from '../../src/web/openapi';
import { contract } from './contract-record';
import { onHtmlBody } from './html-bodies';
import fs from 'node:fs';
import path from 'node:path';

let captured = 0;
/** Writes every HTML page a test file receives (tokens blanked) under CAPTURE_PAGES, to compare bytes across a refactor. */
function capturePage(req: express.Request, res: express.Response): void {
  onHtmlBody(res, (html) => {
    const file = path.basename(expect.getState().testPath ?? 'unknown');
    const dir = path.join(process.env.CAPTURE_PAGES as string, file);
    fs.mkdirSync(dir, { recursive: true });
    const body = html.replace(/(name="_csrf" value="|name="csrf-token" content=")[^"]*/g, '$1TOKEN');
    const url = req.originalUrl.replace(/[^a-z0-9]+/gi, '_').slice(0, 80);
    const name = `${String(++captured).padStart(4, '0')}-${req.method}-${url}`;
    fs.writeFileSync(path.join(dir, `${name}.html`), `${res.statusCode}\n${body}`);
  });
}

/**
 * The app behind a response validator (express-openapi-validator): every JSON response under /api/v1 is checked
 * against the generated OpenAPI document (status documented, body matching its schema), and each mismatch recorded.
 * Requests are not validated or changed; the app answers exactly as it would without the check. The document is the
 * one the app serves, made from the contracts its routes registered (or one given, for an app that serves none).
 */
export function withResponseValidation(
  app: Express,
  apiSpec: OpenApiDocument = openApiDocumentOf(app),
): Express {
  const outer = express();
  outer.disable('x-powered-by');
  outer.set('etag', false);
  outer.use((req, res, next) => {
    if (process.env.CAPTURE_PAGES) capturePage(req, res);
    if (req.originalUrl.startsWith('/api/v1/'))
      res.on('finish', () => {
        if (/json/.test(String(res.getHeader('content-type') ?? ''))) contract.checked++;
      });
    next();
  });
  outer.use(
    OpenApiValidator.middleware({
      apiSpec: structuredClone(apiSpec) as never,
      validateRequests: false,
      validateSecurity: false,
      ignoreUndocumented: true,
      fileUploader: false,
      validateResponses: {
        onError: (err: Error, _body: unknown, req: express.Request) => {
          contract.violations.push(`${req.method} ${req.originalUrl}: ${err.message}`);
        },
      },
    }),
  );
  outer.use(app);
  return outer;
}
