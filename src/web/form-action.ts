import type { Request, RequestHandler, Response } from 'express';
import { HttpError, type ErrorDetail } from '../shared/errors';
import { errorSummary, fieldErrors } from './render';

/** What a page shows when a form has problems: the form again, with an error summary and each field's message. */
export interface FormProblems {
  errors: { text: string; href: string }[];
  fieldErrors: Record<string, string>;
  values: Record<string, unknown>;
  details: ErrorDetail[];
  /** The refusal's own headline ("The file was not imported: …"), for the summary's title. */
  message: string;
}

/**
 * The page form pattern, written once: run the action; if it is refused with field problems (a 4xx carrying details),
 * show the page again with the problems and what the person typed, with the error's status. Anything else goes on to
 * the error handler.
 */
export function formAction(
  action: (req: Request, res: Response) => unknown,
  page: (req: Request, res: Response, problems: FormProblems, status: number) => unknown,
): RequestHandler {
  return async (req, res) => {
    try {
      await action(req, res);
    } catch (err) {
      if (!(err instanceof HttpError) || err.details.length === 0 || err.status >= 500) throw err;
      const values = (req.body ?? {}) as Record<string, unknown>;
      await page(
        req,
        res,
        {
          errors: errorSummary(err.details),
          fieldErrors: fieldErrors(err.details),
          values,
          details: err.details,
          message: err.message,
        },
        err.status,
      );
    }
  };
}
