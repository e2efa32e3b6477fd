// The Digital Bazaar Verifiable Credential libraries ship no type declarations: only what
// src/badges/credential-signer.ts uses of them, typed here.

declare module '@digitalbazaar/ed25519-multikey' {
  interface Signer {
    id: string;
    algorithm: string;
    sign(input: { data: Uint8Array }): Promise<Uint8Array>;
  }
  interface KeyPair {
    id?: string;
    controller?: string;
    publicKeyMultibase: string;
    secretKeyMultibase?: string;
    signer(): Signer;
    export(options: {
      publicKey?: boolean;
      secretKey?: boolean;
      includeContext?: boolean;
    }): Promise<Record<string, string>>;
  }
  export function generate(options?: { id?: string; controller?: string }): Promise<KeyPair>;
  export function from(key: Record<string, unknown>): Promise<KeyPair>;
}

declare module '@digitalbazaar/eddsa-rdfc-2022-cryptosuite' {
  export const cryptosuite: { name: string; canonize: unknown; createVerifier: unknown };
}

declare module '@digitalbazaar/data-integrity' {
  export class DataIntegrityProof {
    constructor(options: { signer?: unknown; cryptosuite: unknown; date?: Date });
  }
}

declare module '@digitalbazaar/vc' {
  type Json = Record<string, unknown>;
  export type DocumentLoader = (
    url: string,
  ) => Promise<{ contextUrl: null; documentUrl: string; document: unknown }>;
  export function issue(options: {
    credential: Json;
    suite: unknown;
    documentLoader: DocumentLoader;
    now?: Date;
  }): Promise<Json>;
  /** Checks the proof's purpose and that the credential's issuer is the key's controller. */
  export class CredentialIssuancePurpose {
    constructor(options?: { controller?: Json; date?: Date });
  }
  export function verifyCredential(options: {
    credential: Json;
    suite: unknown;
    documentLoader: DocumentLoader;
    purpose?: unknown;
    now?: Date;
    checkStatus?: () => Promise<{ verified: boolean }>;
  }): Promise<{ verified: boolean; error?: Error & { errors?: Error[] } }>;
}
