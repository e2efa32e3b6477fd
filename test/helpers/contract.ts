import express, { type Express } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import { buildOpenApiDocument } from '../../src/web/openapi';
import { contract } from './contract-record';

let apiSpec: ReturnType<typeof buildOpenApiDocument> | undefined;

/**
 * The app behind a response validator (express-openapi-validator): every JSON response under /api/v1 is checked
 * against the generated OpenAPI document (status documented, body matching its schema), and each mismatch recorded.
 * Requests are not validated or changed; the app answers exactly as it would without the check.
 */
export function withResponseValidation(app: Express): Express {
  apiSpec ??= buildOpenApiDocument();
  const outer = express();
  outer.disable('x-powered-by');
  outer.set('etag', false);
  outer.use((req, res, next) => {
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
