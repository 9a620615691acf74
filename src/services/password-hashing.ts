import { hash, verify } from '@node-rs/argon2';

// argon2id with OWASP's recommended minimum (19 MiB, 2 passes).
const ARGON2 = { algorithm: 2 as const, memoryCost: 19_456, timeCost: 2, parallelism: 1 };
// Verified against when the account does not exist, so response time does not reveal usernames.
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$1UW0Se3BHac8iK5S76LMEg$0LrxRm+si4AyBbtkuoXKfWpbSZn461jS9mACwPHkAQs';

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

/** Constant work whether or not the account exists: a missing hash is checked against a dummy. */
export function verifyPassword(passwordHash: string | undefined, password: string): Promise<boolean> {
  return verify(passwordHash ?? DUMMY_HASH, password).catch(() => false);
}
