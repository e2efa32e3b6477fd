import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the stand-in accepted, as Notify would have sent it. */
export interface NotifyEmail {
  id: string;
  template_id: string;
  email_address: string;
  personalisation: { subject: string; body: string };
  reference?: string;
  one_click_unsubscribe_url?: string;
}

export interface NotifyStandIn {
  baseUrl: string;
  /** The API key the stand-in accepts: `name-<service id>-<secret>`, as Notify issues them. */
  apiKey: string;
  templateId: string;
  /** Accepted emails, in order. */
  sent: NotifyEmail[];
  /** Every request with the answer given (method, path, status). */
  log: { method: string; path: string; status: number }[];
  /** The next `n` POSTs are answered with `status` (429, 500, 403 …) before any checking. */
  failNext(status: number, n?: number): void;
  stop(): Promise<void>;
}

const ALLOWED_KEYS = new Set([
  'template_id',
  'email_address',
  'personalisation',
  'reference',
  'email_reply_to_id',
  'one_click_unsubscribe_url',
]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const b64url = (b: Buffer) => b.toString('base64url');

/** Checks a Notify JWT as Notify does: HS256 with the key's secret, `iss` the service id, `iat` within 30 seconds. */
function jwtProblem(auth: string | undefined, serviceId: string, secret: string): string | null {
  const m = /^Bearer (.+)$/.exec(auth ?? '');
  if (!m) return 'Unauthorized: authentication token must be provided';
  const [h, p, s] = m[1].split('.');
  if (!h || !p || !s) return 'Invalid token: signature';
  const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as { alg?: string; typ?: string };
  if (header.alg !== 'HS256') return 'Invalid token: algorithm used is not HS256';
  const expected = b64url(crypto.createHmac('sha256', secret).update(`${h}.${p}`).digest());
  if (expected !== s) return 'Invalid token: signature, api token not found';
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as { iss?: string; iat?: number };
  if (claims.iss !== serviceId) return 'Invalid token: service not found';
  if (typeof claims.iat !== 'number' || Math.abs(Date.now() / 1000 - claims.iat) > 30)
    return 'Error: Your system clock must be accurate to within 30 seconds';
  return null;
}

/** Problems with a POST /v2/notifications/email body, against Notify's documented shape. */
function bodyProblems(body: Record<string, unknown>, templateId: string): string[] {
  const problems: string[] = [];
  for (const k of Object.keys(body))
    if (!ALLOWED_KEYS.has(k)) problems.push(`Additional properties are not allowed (${k} was unexpected)`);
  if (typeof body.template_id !== 'string' || !UUID.test(body.template_id))
    problems.push('template_id is not a valid UUID');
  else if (body.template_id !== templateId) problems.push('Template not found');
  if (typeof body.email_address !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(body.email_address))
    problems.push('email_address Not a valid email address');
  const p = body.personalisation as Record<string, unknown> | undefined;
  if (!p || typeof p.subject !== 'string' || typeof p.body !== 'string')
    problems.push('Missing personalisation: body, subject');
  if (body.reference !== undefined && typeof body.reference !== 'string')
    problems.push('reference is not a string');
  return problems;
}

/** A stand-in for GOV.UK Notify's API: checks what the official client sends and answers as Notify does. */
export async function startNotifyStandIn(): Promise<NotifyStandIn> {
  const serviceId = crypto.randomUUID();
  const secret = crypto.randomUUID();
  const templateId = crypto.randomUUID();
  const sent: NotifyEmail[] = [];
  const log: NotifyStandIn['log'] = [];
  const failures: number[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const answer = (status: number, body: unknown) => {
        log.push({ method: req.method ?? '', path: url.pathname, status });
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      };
      const error = (status: number, name: string, messages: string[]) =>
        answer(status, {
          status_code: status,
          errors: messages.map((message) => ({ error: name, message })),
        });
      if (req.method === 'POST' && failures.length) {
        const status = failures.shift()!;
        const name = status === 429 ? 'RateLimitError' : status === 403 ? 'AuthError' : 'Exception';
        return error(status, name, [
          status === 429
            ? 'Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds'
            : 'Internal server error',
        ]);
      }
      const problem = jwtProblem(req.headers.authorization, serviceId, secret);
      if (problem) return error(403, 'AuthError', [problem]);
      if (req.method === 'GET' && url.pathname === '/v2/notifications') {
        const reference = url.searchParams.get('reference');
        const found = sent.filter((s) => !reference || s.reference === reference);
        return answer(200, {
          notifications: found.map((s) => ({
            id: s.id,
            reference: s.reference,
            type: 'email',
            status: 'delivered',
          })),
          links: {},
        });
      }
      if (req.method !== 'POST' || url.pathname !== '/v2/notifications/email')
        return error(404, 'NotFound', ['Not found']);
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        return error(400, 'BadRequestError', ['Invalid JSON supplied in POST data']);
      }
      const problems = bodyProblems(body, templateId);
      if (problems.length) return error(400, 'BadRequestError', problems);
      const email = { ...(body as unknown as NotifyEmail), id: crypto.randomUUID() };
      sent.push(email);
      answer(201, {
        id: email.id,
        reference: email.reference ?? null,
        content: {
          subject: email.personalisation.subject,
          body: email.personalisation.body,
          from_email: 'packway@notifications.service.gov.uk',
        },
        uri: `${baseUrl}/v2/notifications/${email.id}`,
        template: {
          id: templateId,
          version: 1,
          uri: `${baseUrl}/services/${serviceId}/templates/${templateId}`,
        },
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    apiKey: `packway_test-${serviceId}-${secret}`,
    templateId,
    sent,
    log,
    failNext(status, n = 1) {
      for (let i = 0; i < n; i++) failures.push(status);
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
