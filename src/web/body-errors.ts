import { HttpError } from '../shared/errors';

/** What body-parser, raw-body and multer attach to the errors they raise for a request they cannot read. */
interface ParserError {
  type?: unknown;
  status?: unknown;
  expose?: unknown;
}

const BY_TYPE: Record<string, [number, string, string]> = {
  'entity.too.large': [413, 'too_large', 'The request body is too large'],
  'parameters.too.many': [413, 'too_large', 'The form has too many fields'],
  'entity.parse.failed': [400, 'bad_json', 'The request body is not valid JSON'],
  'charset.unsupported': [
    415,
    'unsupported_media_type',
    'The request body is in a character set this service does not read: send UTF-8',
  ],
  'encoding.unsupported': [
    415,
    'unsupported_media_type',
    'The request body is in an encoding this service does not read',
  ],
  'request.aborted': [400, 'bad_request', 'The request was cut short'],
  'request.size.invalid': [400, 'bad_request', 'The request body is not the size it says'],
};

/** The one place a request the parsers could not read becomes a 4xx; anything else is left for the error handler. */
export function parserErrorToHttp(err: unknown): HttpError | undefined {
  if (err instanceof HttpError || !err || typeof err !== 'object') return undefined;
  const e = err as ParserError;
  const known = typeof e.type === 'string' ? BY_TYPE[e.type] : undefined;
  if (known) return new HttpError(known[0], known[1], known[2]);
  const status = typeof e.status === 'number' ? e.status : NaN;
  if (e.expose === true && status >= 400 && status < 500)
    return new HttpError(status, 'bad_request', 'The request could not be read');
  return undefined;
}
