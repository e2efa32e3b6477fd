/** A key pair of the issuer, as multibase text (Multikey). */
export interface IssuerKey {
  id: number;
  publicKeyMultibase: string;
  secretKeyMultibase: string;
  signing: boolean;
  createdAt: Date;
  retiredAt: Date | null;
}

/** A badge as stored: its signed credential is kept exactly as issued. */
export interface BadgeRecord {
  id: string;
  userId: number;
  areaId: string;
  areaTitle: string;
  basis: string;
  statusIndex: number;
  credential: string;
  issuedAt: Date;
  issuedBy: number | null;
  revokedAt: Date | null;
  revokedBy: number | null;
  revokedReason: string | null;
}

export interface NewBadge {
  id: string;
  userId: number;
  areaId: string;
  areaTitle: string;
  basis: string;
  statusIndex: number;
  credential: string;
  issuedAt: number;
  issuedBy: number | null;
}

export interface BadgesRepo {
  /** Every key, the signing one first (retired ones still verify what they signed). */
  keys(): Promise<IssuerKey[]>;
  /** Stores a new signing key; false when another instance stored one first. */
  addSigningKey(publicKeyMultibase: string, secretKeyMultibase: string, now: number): Promise<boolean>;
  /** Retires the signing key (a new one is made on the next signature). */
  retireSigningKey(now: number): Promise<number>;
  /** Stores a badge; false when the same confirmation already has one (or its status index was taken). */
  insert(badge: NewBadge): Promise<'inserted' | 'same_basis' | 'index_taken'>;
  get(id: string): Promise<BadgeRecord | undefined>;
  forUser(userId: number): Promise<BadgeRecord[]>;
  /** The badge of this learner, area and confirmation, if issued. */
  forBasis(userId: number, areaId: string, basis: string): Promise<BadgeRecord | undefined>;
  /** Marks a badge revoked; false when it already was. */
  revoke(id: string, by: number, reason: string, now: number): Promise<boolean>;
  /** The status indexes of revoked badges, and when the latest revocation was (null: none). */
  revokedIndexes(): Promise<{ indexes: number[]; latest: number | null }>;
  /** Every learner who can still hold a badge (not erased), for issuing to people who completed before. */
  learnerIds(): Promise<number[]>;
  /** Whether a learner chose to show their email address on new badges. */
  showsEmail(userId: number): Promise<boolean>;
  setShowEmail(userId: number, show: boolean, now: number): Promise<void>;
}
