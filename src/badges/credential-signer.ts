/**
 * The adapter over the Digital Bazaar libraries that make and check Data Integrity proofs (cryptosuite
 * eddsa-rdfc-2022, Ed25519 Multikey). The rest of Packway sees only the CredentialSigner port (badges.ports.ts).
 *
 * The libraries ship only ES modules: they are loaded on the first signature or check (import(), which the
 * CommonJS build turns into require(): Node 20.19+ loads ES modules that way), so a server that never issues a badge
 * never loads them.
 *
 * Every document the libraries ask for comes from this file's local copies: the JSON-LD contexts in ./contexts and
 * the issuer's own public keys (from the database). Any other address is refused, so checking a credential never
 * touches the network, whatever the credential names.
 */
import credentialsV2 from './contexts/credentials-v2.json';
import obV3 from './contexts/ob-v3p0-3.0.3.json';
import multikeyV1 from './contexts/multikey-v1.json';
import type { CredentialSigner, JsonObject, ProofCheck, SigningKey, TrustedIssuer } from './badges.ports';

export const CONTEXTS = {
  credentialsV2: 'https://www.w3.org/ns/credentials/v2',
  openBadgesV3: 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
  multikeyV1: 'https://w3id.org/security/multikey/v1',
} as const;

/** The contexts the loader serves, by URL: the only ones a Packway credential or key uses. */
export const LOCAL_CONTEXTS: ReadonlyMap<string, unknown> = new Map<string, unknown>([
  [CONTEXTS.credentialsV2, credentialsV2],
  [CONTEXTS.openBadgesV3, obV3],
  [CONTEXTS.multikeyV1, multikeyV1],
]);

const CRYPTOSUITE = 'eddsa-rdfc-2022';
const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

type Libraries = Awaited<ReturnType<typeof loadLibraries>>;
let libraries: Promise<Libraries> | undefined;

async function loadLibraries() {
  const [vc, integrity, suite, multikey] = await Promise.all([
    import('@digitalbazaar/vc'),
    import('@digitalbazaar/data-integrity'),
    import('@digitalbazaar/eddsa-rdfc-2022-cryptosuite'),
    import('@digitalbazaar/ed25519-multikey'),
  ]);
  return { vc, DataIntegrityProof: integrity.DataIntegrityProof, cryptosuite: suite.cryptosuite, multikey };
}

const load = () => (libraries ??= loadLibraries());

/** A key's public document: what the issuer publishes at the key's address, and what the loader answers for it. */
export function publicKeyDocument(key: { id: string; controller: string; publicKeyMultibase: string }) {
  return {
    '@context': CONTEXTS.multikeyV1,
    id: key.id,
    type: 'Multikey',
    controller: key.controller,
    publicKeyMultibase: key.publicKeyMultibase,
  };
}

/** Loads contexts and the trusted keys from local data only; anything else is refused (never fetched). */
function localLoader(issuer: TrustedIssuer | null) {
  const keys = new Map(
    (issuer?.keys ?? []).map((k) => [k.id, publicKeyDocument({ ...k, controller: issuer!.id })]),
  );
  return async (url: string) => {
    const document = LOCAL_CONTEXTS.get(url) ?? keys.get(url);
    if (document === undefined)
      throw new Error(`Refused to load ${url}: only Packway's own documents are served`);
    return { contextUrl: null, documentUrl: url, document: structuredClone(document) };
  };
}

/** The bytes of base58btc text, or null when it is not base58btc. */
function base58(text: string): Uint8Array | null {
  let value = 0n;
  for (const char of text) {
    const digit = ALPHABET.indexOf(char);
    if (digit < 0) return null;
    value = value * 58n + BigInt(digit);
  }
  const hex = value === 0n ? '' : value.toString(16);
  const bytes = Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
  const zeros = text.length - text.replace(/^1+/, '').length;
  return new Uint8Array([...new Uint8Array(zeros), ...bytes]);
}

/** The one proof of a document (a proof set of one, or one proof object), or a reason it has none to check. */
function singleProof(document: JsonObject): JsonObject | string {
  const proof = document.proof;
  const proofs = Array.isArray(proof) ? proof : proof === undefined ? [] : [proof];
  if (proofs.length === 0) return 'it has no proof';
  if (proofs.length > 1) return 'it has more than one proof';
  const only = proofs[0];
  return typeof only === 'object' && only !== null && !Array.isArray(only)
    ? (only as JsonObject)
    : 'its proof is not an object';
}

/** What is wrong with the shape of a proof before any cryptography, or null when it is an Ed25519 signature. */
function proofShapeProblem(proof: JsonObject): string | null {
  if (proof.type !== 'DataIntegrityProof' || proof.cryptosuite !== CRYPTOSUITE)
    return `its proof is not a Data Integrity proof with the ${CRYPTOSUITE} cryptosuite`;
  if (proof.proofPurpose !== 'assertionMethod') return 'its proof is not made for asserting a credential';
  const value = proof.proofValue;
  if (typeof value !== 'string' || !value.startsWith('z'))
    return 'its proof value is not a base58btc multibase value';
  if (base58(value.slice(1))?.length !== 64) return 'its proof value is not an Ed25519 signature';
  return null;
}

/** The libraries' reasons, one line (they nest errors in errors). */
function reasonOf(error: (Error & { errors?: Error[] }) | undefined): string {
  if (!error) return 'the proof does not verify';
  const inner = error.errors?.map((e) => reasonOf(e)).join('; ');
  return inner || error.message;
}

/** The CredentialSigner the app uses: Ed25519 keys, eddsa-rdfc-2022 proofs, local documents only. */
export const dataIntegritySigner: CredentialSigner = {
  async generateKey() {
    const { multikey } = await load();
    const pair = await multikey.generate();
    const exported = await pair.export({ publicKey: true, secretKey: true });
    return {
      publicKeyMultibase: exported.publicKeyMultibase,
      secretKeyMultibase: exported.secretKeyMultibase,
    };
  },

  async sign(document: JsonObject, key: SigningKey, created: Date) {
    const { vc, DataIntegrityProof, cryptosuite, multikey } = await load();
    const pair = await multikey.from({
      ...publicKeyDocument(key),
      secretKeyMultibase: key.secretKeyMultibase,
    });
    const suite = new DataIntegrityProof({ signer: pair.signer(), cryptosuite, date: created });
    const loader = localLoader({ id: key.controller, keys: [key] });
    const signed = await vc.issue({
      credential: structuredClone(document),
      suite,
      documentLoader: loader,
      now: created,
    });
    // the official JSON Schema of an OB 3.0 credential wants `proof` as an array; the library writes one object
    return { ...signed, proof: Array.isArray(signed.proof) ? signed.proof : [signed.proof] };
  },

  async verify(document: JsonObject, issuer: TrustedIssuer, now: Date): Promise<ProofCheck> {
    const proof = singleProof(document);
    if (typeof proof === 'string') return { ok: false, problem: 'broken_proof', detail: proof };
    const shape = proofShapeProblem(proof);
    if (shape) return { ok: false, problem: 'broken_proof', detail: shape };
    if (!issuer.keys.some((k) => k.id === proof.verificationMethod))
      return { ok: false, problem: 'unknown_key', detail: 'it was signed with a key that is not ours' };
    const { vc, DataIntegrityProof, cryptosuite } = await load();
    const controller = {
      '@context': CONTEXTS.multikeyV1,
      id: issuer.id,
      assertionMethod: issuer.keys.map((k) => k.id),
    };
    try {
      const result = await vc.verifyCredential({
        credential: structuredClone(document),
        suite: new DataIntegrityProof({ cryptosuite }),
        documentLoader: localLoader(issuer),
        purpose: new vc.CredentialIssuancePurpose({ controller }),
        now,
        // revocation is the badge service's own check (it reads the status list from the database)
        checkStatus: async () => ({ verified: true }),
      });
      return result.verified
        ? { ok: true }
        : { ok: false, problem: 'tampered', detail: reasonOf(result.error) };
    } catch (error) {
      // the library throws (rather than answers) for a document it cannot read as a credential at all
      return {
        ok: false,
        problem: 'tampered',
        detail: error instanceof Error ? error.message : String(error),
      };
    }
  },
};
