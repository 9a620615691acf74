/**
 * `npm run --silent totp -- <base32 secret>` — prints the current TOTP code for a secret, as an
 * authenticator app would. For the demo administrator and for scripting against a test install;
 * real users use their authenticator app.
 */
import { base32Decode, totp, TOTP_STEP_SECONDS } from '../src/services/totp';

const secret = process.argv[2];
if (!secret || !/^[A-Z2-7]+=*$/i.test(secret)) {
  process.stderr.write('usage: npm run --silent totp -- <base32 secret>\n');
  process.exit(64);
}
const now = Date.now();
const left = TOTP_STEP_SECONDS - Math.floor(now / 1000) % TOTP_STEP_SECONDS;
process.stdout.write(`${totp(base32Decode(secret.toUpperCase()), now)}\n`);
process.stderr.write(`(valid for ${left} s more)\n`);
