import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import express from 'express';

/**
 * The stack floor: the least a page on this stack can cost. A minimal Express 5 + EJS + better-sqlite3 server that,
 * for each request, reads the session row by its signed cookie (HMAC check, SHA-256 of the id, one indexed query
 * joined to the user), reads five of that learner's outcome rows and renders an EJS layout around the same bytes
 * as the module page. No security headers, CSRF, logging or metrics: those are Packway's own costs, not the stack's.
 *
 * node floor.js DB_FILE PAGE_FILE VIEWS_DIR (SESSION_SECRET in the environment); prints the port it listens on.
 */
const [dbFile, pageFile, viewsDir] = process.argv.slice(2);
const secret = process.env.SESSION_SECRET ?? '';
const page = fs.readFileSync(pageFile, 'utf8');

// The layout: the page split around its <main> element, the main element passed in as the body.
const mainStart = page.indexOf('<main');
const mainEnd = page.lastIndexOf('</main>');
if (mainStart < 0 || mainEnd < 0) throw new Error('the module page has no <main> element');
const escapeEjs = (text: string) => text.replaceAll('<%', '<%%');
fs.writeFileSync(
  path.join(viewsDir, 'layout.ejs'),
  `${escapeEjs(page.slice(0, mainStart))}<p class="floor-user">Signed in as <%= user.name %> (<%= user.email %>)</p>
<ul class="floor-outcomes"><% for (const o of outcomes) { %><li data-outcome="<%= o.outcome_id %>"><%= o.status %></li><% } %></ul>
<%- body %>${escapeEjs(page.slice(mainEnd + '</main>'.length))}`,
);
const body = page.slice(mainStart, mainEnd + '</main>'.length);

const db = new Database(dbFile, { readonly: true, fileMustExist: true });
const sessionGet = db.prepare<[string], { user_id: number; name: string; email: string; csrf_token: string }>(
  `SELECT s.user_id, s.csrf_token, u.name, u.email FROM sessions s JOIN users u ON u.id = s.user_id
   WHERE s.id_hash = ? AND u.disabled = 0`,
);
const outcomesGet = db.prepare<[number], { outcome_id: string; status: string; evidence: string }>(
  'SELECT outcome_id, status, evidence FROM outcome_progress WHERE user_id = ? ORDER BY outcome_id LIMIT 5',
);

function sessionId(cookieHeader: string | undefined): string | undefined {
  const match = /(?:^|;\s*)packway_session=([^;]+)/.exec(cookieHeader ?? '');
  if (!match) return undefined;
  const signed = decodeURIComponent(match[1]);
  const dot = signed.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const value = signed.slice(0, dot);
  const expected = Buffer.from(
    `${value}.${crypto.createHmac('sha256', secret).update(value).digest('base64url')}`,
  );
  const actual = Buffer.from(signed);
  return expected.length === actual.length && crypto.timingSafeEqual(expected, actual) ? value : undefined;
}

const app = express();
app.disable('x-powered-by');
app.set('etag', false); // as Packway: personal pages are not hashed
app.set('view engine', 'ejs');
app.set('views', viewsDir);
app.set('view cache', true);
// named db… so a CPU profile counts their time (spent in native code) as the database's
const dbReadSession = (idHash: string) => sessionGet.get(idHash);
const dbReadOutcomes = (userId: number) => outcomesGet.all(userId);

app.get('/', (req, res) => {
  const id = sessionId(req.headers.cookie);
  const session = id ? dbReadSession(crypto.createHash('sha256').update(id).digest('base64url')) : undefined;
  if (!session) {
    res.status(401).send('no session');
    return;
  }
  res.render('layout', { user: session, outcomes: dbReadOutcomes(session.user_id), body });
});
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
server.keepAliveTimeout = 65_000;
process.on('SIGTERM', () => server.close(() => process.exit(0)));
