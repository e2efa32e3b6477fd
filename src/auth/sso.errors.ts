import { HttpError } from '../shared/errors';

/**
 * A single sign-on that did not end in a session. `message` is for the person (shown on the page); `reason` is for
 * the log and the audit trail, and may name what the provider sent.
 */
export class SignInRefused extends HttpError {
  constructor(
    status: number,
    message: string,
    readonly reason: string,
    /** The address the provider gave, when there was one (for the audit trail). */
    readonly email: string | null = null,
  ) {
    super(status, 'sign_in_refused', message);
  }
}

/** The provider's answer could not be trusted: a bad code, or an ID token with the wrong issuer, audience, nonce or key. */
export class IdentityNotConfirmed extends Error {}

/** The provider could not be reached or did not answer sensibly (discovery, keys or the token endpoint). */
export class ProviderUnavailable extends Error {}
