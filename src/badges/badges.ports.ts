/** What the badge service needs of the world outside it: signing, and whether a learner's area is confirmed. */
import type { Pack } from '../content/types';

export type JsonObject = Record<string, unknown>;

/** The issuer's signing key: its address (the verification method), its controller (the issuer) and the pair. */
export interface SigningKey {
  id: string;
  controller: string;
  publicKeyMultibase: string;
  secretKeyMultibase: string;
}

/** The issuer a credential must come from, with every public key of it that may have signed one. */
export interface TrustedIssuer {
  id: string;
  keys: { id: string; publicKeyMultibase: string }[];
}

/** Why a proof failed: the document changed after signing, the proof itself is malformed, or another key signed. */
export type ProofProblem = 'tampered' | 'broken_proof' | 'unknown_key';

export type ProofCheck = { ok: true } | { ok: false; problem: ProofProblem; detail: string };

/** Makes Ed25519 keys and signs and checks Data Integrity proofs (src/badges/credential-signer.ts). */
export interface CredentialSigner {
  generateKey(): Promise<{ publicKeyMultibase: string; secretKeyMultibase: string }>;
  /** The document with an embedded proof made at `created`, `proof` as an array. */
  sign(document: JsonObject, key: SigningKey, created: Date): Promise<JsonObject>;
  verify(document: JsonObject, issuer: TrustedIssuer, now: Date): Promise<ProofCheck>;
}

/** One outcome of an area as confirmed for a learner: when, and by whom (their name at the time). */
export interface ConfirmedOutcome {
  outcomeId: string;
  confirmedAt: Date;
  confirmedBy: string;
}

/**
 * Whether every outcome of a learning area of this pack is confirmed for a learner (the evidence review answers it,
 * src/reviews): the confirmed outcomes, or null when any is not confirmed.
 */
export interface AreaEvidence {
  confirmedArea(learnerId: number, pack: Pack, areaId: string): Promise<ConfirmedOutcome[] | null>;
}
