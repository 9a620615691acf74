import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { idIdentifiesPerson, isOpaqueId, OPAQUE_ID_PREFIX } from '../domain/post-identity';

/**
 * Deterministic, authenticated encryption of ids (a synthetic IV: HMAC of the id, then AES-CTR),
 * so the same post always has the same opaque id, the API can turn it back, and no one without
 * the key can. The key comes from TOTP_ENCRYPTION_KEY; without one, a random per-process key
 * (opaque ids then change at restart and differ between API processes).
 */
export function createIdCodec(key: Buffer | null) {
  const k = key ?? randomBytes(32);
  const macKey = createHmac('sha256', k).update('dozor-opaque-id:mac').digest();
  const encKey = createHmac('sha256', k).update('dozor-opaque-id:enc').digest();
  const ivOf = (id: string) => createHmac('sha256', macKey).update(id).digest().subarray(0, 16);
  return {
    encode(id: string): string {
      const iv = ivOf(id);
      const c = createCipheriv('aes-256-ctr', encKey, iv);
      return OPAQUE_ID_PREFIX + Buffer.concat([iv, c.update(id, 'utf8'), c.final()]).toString('base64url');
    },
    /** The id behind an opaque one; a plain id is returned as it is; a forged one gives null. */
    decode(id: string): string | null {
      if (!isOpaqueId(id)) return id;
      const raw = Buffer.from(id.slice(OPAQUE_ID_PREFIX.length), 'base64url');
      if (raw.length < 17) return null;
      const iv = raw.subarray(0, 16);
      const d = createDecipheriv('aes-256-ctr', encKey, iv);
      const plain = Buffer.concat([d.update(raw.subarray(16)), d.final()]).toString('utf8');
      const expected = ivOf(plain);
      return timingSafeEqual(expected, iv) ? plain : null;
    },
    /**
     * How a post (or incident) id is shown: opaque when it names a person and the viewer may not
     * see authors, or when the author has been erased.
     */
    present(id: string, opts: { postId: string; showAuthor: boolean; erased: boolean }): string {
      return idIdentifiesPerson(opts.postId) && (!opts.showAuthor || opts.erased) ? this.encode(id) : id;
    },
  };
}
export type IdCodec = ReturnType<typeof createIdCodec>;
