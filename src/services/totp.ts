/**
 * TOTP (RFC 6238 over RFC 4226 HOTP) with node:crypto: SHA-1, 6 digits, 30-second steps, the
 * parameters every authenticator app uses. Pure functions; replay protection (one use per step)
 * is the caller's job because it needs shared state.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';

export const TOTP_DIGITS = 6;
export const TOTP_STEP_SECONDS = 30;
/** Steps accepted either side of now, for clock drift and typing time. */
export const TOTP_WINDOW = 1;

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Encode(buf: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of buf) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return out;
}

/** Decodes base32 (case-insensitive, spaces and padding ignored); throws on other characters. */
export function base32Decode(text: string): Buffer {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of clean) {
    const idx = B32.indexOf(ch);
    if (idx < 0) throw new Error('invalid base32');
    value = ((value << 5) | idx) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export type TotpAlgorithm = 'sha1' | 'sha256' | 'sha512';

/** RFC 4226 HOTP value for a counter (the RFC 6238 vectors also use SHA-256/512 and 8 digits). */
export function hotp(secret: Uint8Array, counter: number, digits = TOTP_DIGITS, algorithm: TotpAlgorithm = 'sha1'): string {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm, secret).update(msg).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const bin = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return String(bin).padStart(digits, '0');
}

export function totpStep(atMs: number): number {
  return Math.floor(atMs / 1000 / TOTP_STEP_SECONDS);
}

export function totp(secret: Uint8Array, atMs: number, digits = TOTP_DIGITS, algorithm: TotpAlgorithm = 'sha1'): string {
  return hotp(secret, totpStep(atMs), digits, algorithm);
}

/**
 * The step a code matches within ±TOTP_WINDOW of `atMs`, or null. Every candidate is computed
 * and compared so timing does not tell which step matched.
 */
export function matchTotp(secret: Uint8Array, code: string, atMs: number): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const now = totpStep(atMs);
  let found: number | null = null;
  for (let step = now - TOTP_WINDOW; step <= now + TOTP_WINDOW; step++) {
    const candidate = hotp(secret, step);
    let diff = 0;
    for (let i = 0; i < TOTP_DIGITS; i++) diff |= candidate.charCodeAt(i) ^ code.charCodeAt(i);
    if (diff === 0 && found === null) found = step;
  }
  return found;
}

export function newTotpSecret(): Buffer {
  return randomBytes(20);
}

/** The otpauth:// URI authenticator apps read from a QR code or a pasted link. */
export function otpauthUri(opts: { issuer: string; account: string; secret: Uint8Array }): string {
  const label = `${encodeURIComponent(opts.issuer)}:${encodeURIComponent(opts.account)}`;
  const q = new URLSearchParams({ secret: base32Encode(opts.secret), issuer: opts.issuer, algorithm: 'SHA1', digits: String(TOTP_DIGITS), period: String(TOTP_STEP_SECONDS) });
  return `otpauth://totp/${label}?${q.toString()}`;
}

/**
 * Seals TOTP secrets at rest with AES-256-GCM when a key is configured, so a copy of the users
 * index alone does not yield second factors. Without a key, secrets are stored as they are
 * (marked `plain:`), which the API warns about at start.
 */
export function createSecretBox(keyBase64: string | undefined) {
  const key = keyBase64 ? Buffer.from(keyBase64, 'base64') : null;
  if (key && key.length !== 32) throw new Error('TOTP_ENCRYPTION_KEY must be 32 bytes, base64-encoded');
  return {
    encrypted: key !== null,
    seal(secret: Uint8Array): string {
      if (!key) return `plain:${base32Encode(secret)}`;
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const ct = Buffer.concat([cipher.update(secret), cipher.final()]);
      return `v1:${iv.toString('base64url')}:${cipher.getAuthTag().toString('base64url')}:${ct.toString('base64url')}`;
    },
    open(sealed: string): Buffer {
      if (sealed.startsWith('plain:')) return base32Decode(sealed.slice(6));
      const [v, iv, tag, ct] = sealed.split(':');
      if (v !== 'v1' || !iv || !tag || !ct) throw new Error('unknown sealed secret format');
      if (!key) throw new Error('TOTP_ENCRYPTION_KEY is needed to read stored TOTP secrets');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]);
    },
    /** A key for another purpose, derived from this one (null without a key). */
    deriveKey(label: string): Buffer | null {
      return key ? createHmac('sha256', key).update(`dozor-derive:${label}`).digest() : null;
    },
    /** Seals any secret text (a webhook sender's signing secret) the same way. */
    sealText(text: string): string {
      return this.seal(Buffer.from(text, 'utf8'));
    },
    openText(sealed: string): string {
      return this.open(sealed).toString('utf8');
    },
    /**
     * A keyed hash (HMAC-SHA-256 under a key derived from this one) that names a value without
     * keeping it: what someone typed as a username may be their password.
     */
    fingerprint(text: string): string {
      const k = createHash('sha256').update('dozor-fingerprint:').update(key ?? Buffer.alloc(0)).digest();
      return createHmac('sha256', k).update(text).digest('base64url').slice(0, 22);
    },
  };
}
export type SecretBox = ReturnType<typeof createSecretBox>;
