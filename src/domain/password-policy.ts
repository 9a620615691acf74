/**
 * What a password must be. Length alone lets `aaaaaaaaaa` and ten spaces through, so trivial
 * passwords, commonly breached ones and ones containing the username are refused too. The list
 * is short on purpose: the passwords (and their stems) that top every public breach corpus, plus
 * the Russian keyboard favourites; length does the rest.
 */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;

/** Commonly breached passwords and stems, lower-case. A password equal to one, or to one followed by digits and symbols, is refused. */
export const COMMON_PASSWORDS: readonly string[] = [
  'password', 'passw0rd', 'p@ssword', 'p@ssw0rd', 'pass', 'parol', 'parol123', 'пароль', 'gfhjkm',
  'qwerty', 'qwertyui', 'qwertyuiop', 'qwerty123', 'qwertyqwerty', 'asdfgh', 'asdfghjkl', 'zxcvbnm', 'zxcvbnm123', '1q2w3e4r', '1q2w3e4r5t', '1qaz2wsx', 'qazwsx', 'qazwsxedc',
  'йцукен', 'йцукенг', 'йцукенгшщз', 'фывапролдж', 'ячсмить',
  '123456', '1234567', '12345678', '123456789', '1234567890', '0987654321', '0123456789', '1111111111', '123123123', '123321', '147258369', '987654321', '7777777777', '555555', '666666', '121212', '112233', '123qwe', 'qwe123', 'abc123', 'a1b2c3d4',
  'iloveyou', 'welcome', 'admin', 'administrator', 'letmein', 'monkey', 'dragon', 'football', 'baseball', 'superman', 'batman', 'princess', 'sunshine', 'shadow', 'master', 'trustno1', 'starwars', 'whatever', 'freedom', 'michael', 'jennifer', 'computer', 'internet', 'changeme', 'default', 'secret', 'test', 'testtest', 'guest', 'root', 'toor', 'login', 'user', 'operator', 'dozor', 'дозор',
  'natasha', 'nikita', 'maksim', 'alexander', 'aleksandr', 'sergey', 'andrey', 'dmitry', 'vladimir', 'tatyana', 'marina', 'svetlana', 'olga', 'elena', 'zenit', 'spartak', 'lokomotiv', 'cska', 'russia', 'rossiya', 'moskva', 'moscow',
];

const COMMON = new Set(COMMON_PASSWORDS);
const KEYBOARD_ROWS = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm', 'йцукенгшщзхъ', 'фывапролджэ', 'ячсмитьбю', 'abcdefghijklmnopqrstuvwxyz', 'абвгдеёжзийклмнопрстуфхцчшщъыьэюя'];

/** A run along a keyboard row or the alphabet (either direction), like `1234567890` or `qwertyuiop`. */
function isSequence(s: string): boolean {
  return KEYBOARD_ROWS.some((row) => row.includes(s) || [...row].reverse().join('').includes(s));
}

/** The shortest unit the password repeats (`abcabcabca` → 3), or its length when none. */
function repeatPeriod(s: string): number {
  for (let p = 1; p <= s.length / 2; p++) {
    let ok = true;
    for (let i = p; i < s.length && ok; i++) ok = s[i] === s[i - p];
    if (ok) return p;
  }
  return s.length;
}

/**
 * Why `password` is not acceptable for `username`, in words the person can act on, or null when
 * it is. Checked wherever a password is set through the API (by an administrator or by its owner).
 */
export function passwordProblem(password: string, username: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH) return `at most ${PASSWORD_MAX_LENGTH} characters`;
  const lower = password.toLowerCase();
  const compact = lower.replace(/\s+/g, '');
  if (compact.length === 0 || new Set(compact).size < 4 || repeatPeriod(compact) <= 4) return 'too simple: use more different characters, not a repeated pattern';
  if (isSequence(compact)) return 'too simple: a run of keys or letters';
  const stem = lower.replace(/[\d\W_]+$/u, '');
  if (COMMON.has(lower) || COMMON.has(compact) || COMMON.has(stem)) return 'too common: it appears in lists of breached passwords';
  const name = username.toLowerCase();
  if (name.length >= 3 && compact.includes(name)) return 'must not contain the username';
  return null;
}
