import express, { type Express } from 'express';
import { onHtmlBody } from './html-bodies';

/** Pages a test file received that break a rule every page keeps; `contract-setup.ts` fails the file on any. */
export const pageProblems: string[] = [];

/** Every page has exactly one `<h1>` (GOV.UK pages have one main heading; a screen reader's outline starts there). */
function headingProblem(body: string): string | undefined {
  const count = body.match(/<h1[\s>]/g)?.length ?? 0;
  return count === 1 ? undefined : `${count} <h1> elements instead of one`;
}

/** The app behind a check of every HTML page it answers with; the app answers exactly as it would without it. */
export function withPageChecks(app: Express): Express {
  const outer = express();
  outer.disable('x-powered-by');
  outer.set('etag', false);
  outer.use((req, res, next) => {
    if (req.method !== 'HEAD')
      onHtmlBody(res, (body) => {
        if (res.statusCode >= 300 && res.statusCode < 400) return; // a redirect's body is Express's one line
        const problem = headingProblem(body);
        if (problem) pageProblems.push(`${req.method} ${req.originalUrl} (${res.statusCode}): ${problem}`);
      });
    next();
  });
  outer.use(app);
  return outer;
}
