import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, createSecretBox, hotp, matchTotp, newTotpSecret, otpauthUri, totp } from '../../src/services/totp';

// RFC 6238 appendix B: seeds are ASCII "1234567890" repeated to the hash's block size.
const SEED = { sha1: Buffer.from('12345678901234567890'), sha256: Buffer.from('12345678901234567890123456789012'), sha512: Buffer.from('1234567890123456789012345678901234567890123456789012345678901234') };
const VECTORS: [number, string, string, string][] = [
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
];

describe('TOTP (RFC 6238)', () => {
  it.each(VECTORS)('matches the RFC vectors at t=%i', (t, sha1, sha256, sha512) => {
    expect(totp(SEED.sha1, t * 1000, 8, 'sha1')).toBe(sha1);
    expect(totp(SEED.sha256, t * 1000, 8, 'sha256')).toBe(sha256);
    expect(totp(SEED.sha512, t * 1000, 8, 'sha512')).toBe(sha512);
  });

  it('matches the RFC 4226 HOTP vectors (6 digits)', () => {
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
    expect(expected.map((_, i) => hotp(SEED.sha1, i))).toEqual(expected);
  });

  it('accepts ±1 step and nothing further, naming the step that matched', () => {
    const secret = newTotpSecret();
    const now = 1_700_000_015_000;
    const step = Math.floor(now / 30_000);
    expect(matchTotp(secret, totp(secret, now), now)).toBe(step);
    expect(matchTotp(secret, totp(secret, now - 30_000), now)).toBe(step - 1);
    expect(matchTotp(secret, totp(secret, now + 30_000), now)).toBe(step + 1);
    expect(matchTotp(secret, totp(secret, now - 60_000), now)).toBeNull();
    expect(matchTotp(secret, totp(secret, now + 60_000), now)).toBeNull();
    expect(matchTotp(secret, '12345', now)).toBeNull();
    expect(matchTotp(secret, 'abcdef', now)).toBeNull();
  });

  it('round-trips base32 and builds an otpauth URI', () => {
    const secret = newTotpSecret();
    expect(base32Decode(base32Encode(secret)).equals(secret)).toBe(true);
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(() => base32Decode('not base32!')).toThrow();
    const uri = new URL(otpauthUri({ issuer: 'Дозор', account: 'admin', secret }));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(base32Encode(secret));
    expect(uri.searchParams.get('digits')).toBe('6');
    expect(uri.searchParams.get('period')).toBe('30');
  });

  it('seals secrets with AES-GCM when a key is set, and detects tampering', () => {
    const box = createSecretBox(Buffer.alloc(32, 7).toString('base64'));
    const secret = newTotpSecret();
    const sealed = box.seal(secret);
    expect(sealed).not.toContain(base32Encode(secret));
    expect(box.open(sealed).equals(secret)).toBe(true);
    const parts = sealed.split(':');
    const ct = Buffer.from(parts[3] ?? '', 'base64url');
    ct[0] = (ct[0] ?? 0) ^ 1;
    expect(() => box.open([parts[0], parts[1], parts[2], ct.toString('base64url')].join(':'))).toThrow();
    expect(() => createSecretBox(Buffer.alloc(16).toString('base64'))).toThrow(/32 bytes/);
  });
});
