/**
 * Text analysis for social-media Russian: normalisation, tokenisation and stemming.
 *
 * The classifier, search and dedup all start from this, so it must be cheap (a post in tens of
 * microseconds, 50 KB in a few milliseconds) and total: any string in, never an exception out.
 *
 * Only deep modules of `natural` are imported: its main entry loads dotenv and database drivers.
 */
import PorterStemmerRu from 'natural/lib/natural/stemmers/porter_stemmer_ru';
import AggressiveTokenizerRu from 'natural/lib/natural/tokenizers/aggressive_tokenizer_ru';

export interface AnalyzedText {
  /** Lowercased, cleaned text with placeholders; keeps punctuation (useful for tone/question cues). */
  normalized: string;
  /** Word tokens of `normalized` (Cyrillic, Latin, digits, placeholders). */
  tokens: string[];
  /** Russian Porter stems, parallel to `tokens` (stems[i] is the stem of tokens[i]). */
  stems: string[];
}

/** Placeholder tokens. Latin-only so the tokenizer keeps them whole and the stemmer leaves them alone. */
export const PLACEHOLDER = {
  url: 'urlx',
  mention: 'mentionx',
  emoji: 'emojix',
  emojiPositive: 'emojipos',
  emojiNegative: 'emojineg',
} as const;

/**
 * Longer input is cut: a post's topic is decided in its first pages, and the cap bounds the
 * worst case (a pasted book) to a few milliseconds.
 */
export const MAX_ANALYZED_CHARS = 60_000;
/** Tokens longer than this are junk (base64, keyboard mashing): kept but not stemmed. */
const MAX_STEMMED_TOKEN_LENGTH = 40;
/**
 * Only the first words of a very long post are tokenised and stemmed. An ordinary post has tens
 * of words and a long appeal a few hundred, so this never touches them; it bounds the cost of a
 * pasted book or a flood of unique junk words (each one a cold stemmer call, ~2.5 µs) to a few
 * milliseconds. `normalized` still holds the whole (capped) text for cues and place detection.
 */
export const MAX_TOKENS = 2_000;
/**
 * Of those, only the first MAX_STEMMED_TOKENS are stemmed; later ones keep their surface form as
 * their "stem" (the arrays stay parallel). The Snowball stemmer costs up to ~15 µs on an unseen
 * junk word, so 2,000 unique random words would take 30 ms; 500 bound it to a few. The classifier
 * reads only the first 400 tokens anyway, and 500 words is a very long post.
 */
export const MAX_STEMMED_TOKENS = 500;
/** The tokenizer only sees this prefix of `normalized` (far more than MAX_TOKENS words need). */
const MAX_TOKENIZED_CHARS = 24_000;

const tokenizer = new AggressiveTokenizerRu();

export function analyze(text: string): AnalyzedText {
  const normalized = normalize(text);
  let tokens = normalized.length === 0 ? [] : tokenizer.tokenize(tokenizable(normalized));
  if (tokens.length > MAX_TOKENS) tokens = tokens.slice(0, MAX_TOKENS);
  const stems = tokens.length <= MAX_STEMMED_TOKENS ? tokens.map(stem) : tokens.map((t, i) => (i < MAX_STEMMED_TOKENS ? stem(t) : t));
  return { normalized, tokens, stems };
}

/** The prefix of `s` the tokenizer sees, cut at a space so no word is split. */
function tokenizable(s: string): string {
  if (s.length <= MAX_TOKENIZED_CHARS) return s;
  const cut = s.lastIndexOf(' ', MAX_TOKENIZED_CHARS);
  return s.slice(0, cut > MAX_TOKENIZED_CHARS / 2 ? cut : MAX_TOKENIZED_CHARS);
}

/** The whole normalisation chain; every step is a pure string → string function. */
export function normalize(text: string): string {
  let s = typeof text === 'string' ? text : String(text ?? '');
  if (s.length > MAX_ANALYZED_CHARS) s = s.slice(0, MAX_ANALYZED_CHARS);
  s = removeInvisible(s);
  s = replaceUrlsAndMentions(s);
  s = splitHashtags(s);
  s = replaceEmoji(s);
  s = fixLatinLookalikes(s);
  s = s.toLowerCase().replace(/ё/g, 'е');
  s = collapseRepeats(s);
  return s.replace(ODD_SPACE, ' ').trim();
}

// ---------------------------------------------------------------------------------------------
// Normalisation steps

// Runs of spaces and any non-plain space; single plain spaces (the vast majority) are not touched.
const ODD_SPACE = /\s{2,}|[\t\n\r\f\v\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]/g;

// One pass for everything invisible: lone surrogates (broken UTF-16 from truncation), C0/C1
// controls except tab/newline, zero-width characters and soft hyphens. The last two are used to
// dodge keyword filters, so they are deleted (joining the word); the rest become spaces.
const INVISIBLE =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u00AD\u200B-\u200D\u2060\uFEFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const JOINING = /[\u00AD\u200B-\u200D\u2060\uFEFF]/;

function removeInvisible(s: string): string {
  return s.replace(INVISIBLE, (ch) => (JOINING.test(ch) ? '' : ' '));
}

const URL_RE =
  /(?:https?:\/\/|www\.)[^\s<>"«»]+|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:ru|su|com|org|net|me|info|online|рф)(?:\/[^\s<>"«»]*)?/giu;
// VK-style links to people and groups: [id123|Иван Петров], [club456|УК «Дом»].
const VK_LINK_RE = /\[(?:id|club|public)\d+\|[^\]]{0,100}\]/gi;
const MENTION_RE = /(^|[^\p{L}\p{N}_@])@[\p{L}\p{N}_.]{2,}/gu;

// Each pattern only runs when its cheap marker is present: most posts have no links at all.
const URL_MARKER = /[a-z0-9]\.[a-zа-я]|:\/\//i;

function replaceUrlsAndMentions(s: string): string {
  let out = s;
  if (URL_MARKER.test(out)) out = out.replace(URL_RE, ` ${PLACEHOLDER.url} `);
  if (out.indexOf('[') >= 0) out = out.replace(VK_LINK_RE, ` ${PLACEHOLDER.mention} `);
  if (out.indexOf('@') >= 0) out = out.replace(MENTION_RE, `$1 ${PLACEHOLDER.mention} `);
  return out;
}

/** "#ОмскЖКХ_беда" → "Омск ЖКХ беда": hashtag words carry the topic, so keep them as words. */
function splitHashtags(s: string): string {
  if (s.indexOf('#') < 0) return s;
  return s.replace(/#([\p{L}\p{N}_]+)/gu, (_m, tag: string) =>
    ' ' +
    tag
      .replace(/_/g, ' ')
      .replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2')
      .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, '$1 $2') +
    ' ',
  );
}

const NEGATIVE_EMOJI = new Set([...'😡🤬😠👿💩😤😢😭😞😔😩😫🤮🤢👎💔😱😨😰🥶☹🙁😒🤦😖😣🤯😑']);
const POSITIVE_EMOJI = new Set([...'👍❤😊🙂😀😃😄😁🥰😍🙏👏💪🎉☺🤗💐🌹😉💖💯✅']);
// Pictographs (arrows, misc symbols, dingbats, the U+1F000 planes) plus the modifiers that glue
// them (variation selector, ZWJ, skin tones). Written over UTF-16 units without the /u flag: it is
// several times faster than \p{Extended_Pictographic} and covers what people actually post.
const EMOJI_RE =
  /(?:[\u2190-\u21FF\u2300-\u23FF\u2600-\u27BF\u2B00-\u2BFF]|[\uD83C-\uD83E][\uDC00-\uDFFF])[\uFE0F\u200D]*(?:\uD83C[\uDFFB-\uDFFF])?/g;
// Russian text smileys: "))))" is a smile, "((((" a frown.
const SMILE_RE = /\){2,}|:-?\)+/g;
const FROWN_RE = /\({2,}|:-?\(+/g;

function replaceEmoji(s: string): string {
  let out = s;
  if (out.indexOf(')') >= 0 || out.indexOf('(') >= 0) {
    out = out
      .replace(SMILE_RE, ` ${PLACEHOLDER.emojiPositive} `)
      .replace(FROWN_RE, ` ${PLACEHOLDER.emojiNegative} `);
  }
  if (!EMOJI_MARKER.test(out)) return out;
  // A run of emoji ("😡😡😡🔥") becomes one placeholder per kind present: the run's mood is kept,
  // and an emoji flood cannot blow the text up (each emoji would otherwise become ~9 characters).
  return out.replace(EMOJI_RUN_RE, (run) => {
    let neg = false;
    let pos = false;
    let other = false;
    for (const ch of run) {
      if (NEGATIVE_EMOJI.has(ch)) neg = true;
      else if (POSITIVE_EMOJI.has(ch)) pos = true;
      else if (!EMOJI_GLUE.test(ch)) other = true;
    }
    return ` ${neg ? PLACEHOLDER.emojiNegative + ' ' : ''}${pos ? PLACEHOLDER.emojiPositive + ' ' : ''}${other || (!neg && !pos) ? PLACEHOLDER.emoji + ' ' : ''}`;
  });
}

const EMOJI_RUN_RE = new RegExp(`(?:${EMOJI_RE.source})(?:[ ]*(?:${EMOJI_RE.source}))*`, 'g');
// Variation selector, ZWJ and skin-tone modifiers: part of an emoji, not an emoji of their own.
const EMOJI_GLUE = /^(?:[\uFE0F\u200D]|\uD83C[\uDFFB-\uDFFF])$/;

const EMOJI_MARKER = /[\u2190-\u2BFF\uD83C-\uD83E]/;

// Latin letters that look like Cyrillic ones. Used only inside words that already mix both
// scripts ("oтoплeниe" typed on a mixed layout or written to dodge filters); pure Latin words stay.
const LOOKALIKES: Readonly<Record<string, string>> = {
  a: 'а', A: 'А', B: 'В', c: 'с', C: 'С', e: 'е', E: 'Е', H: 'Н', K: 'К', k: 'к', M: 'М',
  o: 'о', O: 'О', p: 'р', P: 'Р', T: 'Т', x: 'х', X: 'Х', y: 'у', Y: 'У', u: 'и',
};
// A Cyrillic letter touching a Latin one: the only way a word can mix scripts.
const SCRIPT_BOUNDARY = /[\u0400-\u04FF][A-Za-z]|[A-Za-z][\u0400-\u04FF]/g;
const DIGIT_IN_WORD = /[\u0400-\u04FF][03][\u0400-\u04FF]|(?<![\p{L}\p{N}])3[\u0400-\u04FF]{2}/u;

/**
 * Find mixed-script words via script boundaries and rewrite only those. Linear in the input:
 * a "whole word" regex with a callback per word was the slowest step on 50 KB posts.
 */
function fixLatinLookalikes(s: string): string {
  let out = '';
  let done = 0;
  SCRIPT_BOUNDARY.lastIndex = 0;
  for (let m = SCRIPT_BOUNDARY.exec(s); m !== null; m = SCRIPT_BOUNDARY.exec(s)) {
    let start = m.index;
    while (start > done && isWordChar(s.charCodeAt(start - 1))) start--;
    let end = m.index + 2;
    while (end < s.length && isWordChar(s.charCodeAt(end))) end++;
    let word = '';
    for (const ch of s.slice(start, end)) word += LOOKALIKES[ch] ?? ch;
    out += s.slice(done, start) + word;
    done = end;
    SCRIPT_BOUNDARY.lastIndex = end;
  }
  out = done === 0 ? s : out + s.slice(done);
  return DIGIT_IN_WORD.test(out) ? fixDigitLookalikes(out) : out;
}

function isWordChar(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x400 && c <= 0x4ff)
  );
}

/** "п0чему", "3десь": a 0 or 3 touching Cyrillic letters is a letter. House numbers ("70а") stay. */
function fixDigitLookalikes(s: string): string {
  return s
    .replace(/(?<=[\u0400-\u04FF])0(?=[\u0400-\u04FF])/g, 'о')
    .replace(/(?<![\p{L}\p{N}])3(?=[\u0400-\u04FF]{2})/gu, 'з');
}

/**
 * Russian never has three identical letters in a row, so "ооооочень" → "очень".
 * Runs collapse to one character (doubled letters like "класссс" lose one; the stemmer and
 * character n-grams absorb that); repeated punctuation "!!!!" → "!". Digits are left alone.
 */
function collapseRepeats(s: string): string {
  return s.replace(/([^\s\d])\1{2,}/g, '$1');
}

// ---------------------------------------------------------------------------------------------
// Stemming

// Social media repeats the same few thousand words; the Snowball regexes cost ~2.5 µs a word,
// a Map hit ~50 ns. Bounded so a stream of junk cannot grow memory: cleared when full.
const STEM_CACHE_LIMIT = 100_000;
const stemCache = new Map<string, string>();
const CYRILLIC_WORD = /[а-я]/;

export function stem(token: string): string {
  const cached = stemCache.get(token);
  if (cached !== undefined) return cached;
  const result =
    token.length > MAX_STEMMED_TOKEN_LENGTH || !CYRILLIC_WORD.test(token)
      ? token
      : safeStem(token);
  if (stemCache.size >= STEM_CACHE_LIMIT) stemCache.clear();
  stemCache.set(token, result);
  return result;
}

function safeStem(token: string): string {
  try {
    const s = PorterStemmerRu.stem(token);
    return s.length > 0 ? s : token;
  } catch {
    return token;
  }
}
