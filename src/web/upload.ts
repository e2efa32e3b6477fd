import type { RequestHandler } from 'express';
import multer from 'multer';
import { HttpError, Invalid } from '../shared/errors';

export interface UploadLimits {
  /** Largest file accepted, in bytes. */
  maxBytes: number;
  /** What the file is, for messages ("CSV file", "variant"). */
  what: string;
}

function sizeLabel(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / 1024 / 1024} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

/**
 * The one way a request brings a file: a multipart form with one part named `file` and a few text fields, held in
 * memory up to its limit. Too large is 413; any other malformed form is 422. A request that is not multipart passes
 * through untouched, so the same route also takes JSON or a pasted text field.
 */
export function receiveFile(limits: UploadLimits): RequestHandler {
  const parse = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: limits.maxBytes, files: 1, fields: 10, parts: 11, fieldSize: 64 * 1024 },
  }).single('file');
  return (req, res, next) => {
    parse(req, res, (err: unknown) => {
      if (err instanceof multer.MulterError) {
        if (err.code === 'LIMIT_FILE_SIZE')
          return next(
            new HttpError(
              413,
              'too_large',
              `The ${limits.what} is larger than ${sizeLabel(limits.maxBytes)}`,
            ),
          );
        const message =
          err.code === 'LIMIT_UNEXPECTED_FILE'
            ? `Unexpected file field "${err.field}": send the file as "file"`
            : `The form could not be read: ${err.message}`;
        return next(new Invalid([{ field: err.field ?? 'file', message }]));
      }
      if (err) return next(new HttpError(400, 'bad_request', 'The form could not be read'));
      next();
    });
  };
}
