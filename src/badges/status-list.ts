/**
 * The Bitstring Status List (W3C, 2025) encoding: one bit per badge, bit 0 the leftmost bit of the first byte, the
 * bytes GZIP-compressed and written as base64url without padding behind the multibase prefix `u`.
 */
import { gunzipSync, gzipSync } from 'node:zlib';

/**
 * Entries in the list: the specification's minimum (16 KiB of bits), so that where a badge sits in the list says
 * nothing about how many were issued.
 */
export const STATUS_LIST_SIZE = 131_072;

export function encodeStatusList(setIndexes: Iterable<number>, size = STATUS_LIST_SIZE): string {
  const bits = Buffer.alloc(size / 8);
  for (const index of setIndexes) {
    if (!Number.isInteger(index) || index < 0 || index >= size)
      throw new RangeError(`status index ${index} out of range`);
    bits[index >> 3] |= 0x80 >> (index & 7);
  }
  return `u${gzipSync(bits).toString('base64url')}`;
}

/** The bit at `index` of an encoded list; null when the text is not an encoded list or the index is past its end. */
export function statusBit(encoded: string, index: number): boolean | null {
  if (!encoded.startsWith('u')) return null;
  let bits: Buffer;
  try {
    bits = gunzipSync(Buffer.from(encoded.slice(1), 'base64url'));
  } catch {
    return null;
  }
  if (!Number.isInteger(index) || index < 0 || index >= bits.length * 8) return null;
  return (bits[index >> 3] & (0x80 >> (index & 7))) !== 0;
}
