import type { Request } from 'express';
import { Strategy, type AuthenticateOptions } from 'passport';
import type { SignedInUser } from './auth.repo';
import type { SsoService } from './sso.service';

export interface SsoAuthenticateOptions extends AuthenticateOptions {
  /** On the callback address: read the provider's answer (never start a new sign-in there). */
  finishing: boolean;
  /** Leaving for the provider: where to land once signed in. */
  returnTo?: string;
  /** The value of the browser's sign-in cookie. */
  browserToken?: string;
  ip: string;
}

/**
 * OpenID Connect as a passport strategy beside the local one: a request without the provider's answer is sent to the
 * provider; the answer (on the callback address) becomes a user, or an error passport hands to the route.
 */
export class SsoStrategy extends Strategy {
  override readonly name = 'oidc';

  constructor(private readonly sso: SsoService) {
    super();
  }

  override authenticate(req: Request, options: SsoAuthenticateOptions): void {
    const query = new URL(req.originalUrl, 'http://callback.invalid').searchParams;
    const work = options.finishing
      ? this.sso
          .finish(query, options.browserToken, options.ip)
          .then(({ user, returnTo }: { user: SignedInUser; returnTo: string }) =>
            this.success(user, { returnTo }),
          )
      : this.sso
          .begin(options.returnTo ?? '/', options.browserToken ?? '')
          .then((url) => this.redirect(url.href, 303));
    work.catch((err: unknown) => this.error(err instanceof Error ? err : new Error(String(err))));
  }
}
