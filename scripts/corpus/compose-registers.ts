/**
 * The second half of the corpus: the topic fragments (fragments-*.ts) framed the way different
 * writers frame them (registers.ts): residents' complaints in two dozen shapes, questions, news
 * posts, thanks, official replies, chatter, rumours built from false claims with the rhetoric that
 * spreads them, and debunks of the same claims (hard negatives: a debunk repeats the claim but is
 * neither a rumour nor a complaint). Places, cities, names and every frame pool are split by
 * position like the fragments, so the test split is written from phrasings, cities and frames
 * that training never saw.
 */
import type { Sector } from '../../src/domain/sector';
import * as R from './registers';
import type { CorpusRecord, SectorFragments } from './types';

export type Split = 'train' | 'test';

export interface Tools {
  rand: () => number;
  part: <T>(xs: readonly T[] | undefined, split: Split) => T[];
  noisy: (s: string, level: number) => string;
}

type Rec = Omit<CorpusRecord, 'id' | 'network'>;

export function composeRegisters(split: Split, sectors: readonly SectorFragments[], t: Tools, push: (r: Rec) => void): void {
  const { rand, noisy } = t;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const chance = (p: number) => rand() < p;
  // Every pool split once for this split.
  const cache = new Map<readonly unknown[], unknown[]>();
  const o = <T>(xs: readonly T[]): T[] => {
    let v = cache.get(xs);
    if (!v) cache.set(xs, (v = t.part(xs, split)));
    return v as T[];
  };
  const reps = split === 'train' ? 1 : 0.5;
  const times = (n: number) => Math.max(1, Math.round(n * reps));
  const nums = ['1', '2', '3', '5', '7', '9', '12', '14', '17', '21', '25', '33', '40', '47', '56', '64', '71', '88', '105', '120'];

  /** Fills every slot (upper case: registers; lower case: fragments) until none is left. */
  function fill(s: string, frag: SectorFragments, extra: Record<string, () => string> = {}): string {
    let out = s;
    for (let depth = 0; depth < 4 && out.includes('{'); depth++) {
      out = out.replace(/\{(\w+)\}/g, (m, k: string) => {
        const f = extra[k] ?? slot[k];
        return f ? f(frag) : m;
      });
    }
    return out;
  }
  const city = () => pick(o(R.CITIES));
  const street = () => pick(o(R.STREETS));
  const addr = () => `ул. ${street()}, ${pick(nums)}`;
  const slot: Record<string, (f: SectorFragments) => string> = {
    // fragments' slots
    addr: () => addr(),
    street: () => (chance(0.5) ? `ул. ${street()}` : street()),
    city: () => city()[1],
    district: () => pick(o(R.DISTRICTS)),
    n: () => pick(['2', '3', '5', '12', '15', '20', '40', '100', '150']),
    temp: () => pick(['12', '13', '14', '15', '16']),
    org: (f) => pick(f.orgsNom),
    clinic: () => pick(o(R.CLINICS))[0],
    school: () => pick(o(R.SCHOOLS))[0],
    kg: () => pick(o(R.KINDERGARTENS))[0],
    route: () => pick(['№ 60', '№ 109', '№ 21', '№ 45', '№ 73', '№ 130', '№ 3', '5', '17', '№ 8']),
    no: () => pick(nums),
    // registers' slots
    CITY: () => city()[0],
    CITYL: () => 'city',
    DISTRICT: () => pick(o(R.DISTRICTS)),
    STREET: () => street(),
    ADDR: () => addr(),
    PL: () => pick(o(R.PLACES)),
    D: () => pick(o(R.DURATIONS)),
    C: () => pick(o(R.CONTACTED)),
    Q: () => pick(o(R.DEMANDS)),
    O: () => pick(o(R.OPENERS)),
    E: () => pick(o(R.EMOTIONS)),
    RH: () => pick(o(R.RHETORICAL)),
    WHO: () => pick(o(R.WHO)),
    WI: () => pick(o(R.WHO_INTRO)),
    OFF: () => pick(o(R.OFFICIALS)),
    NAME: () => pick(o(R.NAMES)),
    M: () => pick(o(R.MENTIONS)),
    TAG: () => pick(o(R.HASHTAGS)),
    TAGN: () => pick(['#новости', '#главное', '#город', '#важно']),
    SARC: () => pick(o(R.SARCASM)),
    ORG: (f) => pick(f.orgsDat),
    ORGN: (f) => pick(f.orgsNom),
    QO: () => pick(o(R.QUESTION_OPENERS)),
    NO: () => pick(o(R.NEWS_OPENERS)),
    NT: () => pick(o(R.NEWS_TAILS)),
    TO: () => pick(o(R.THANKS_OPENERS)),
    TT: () => pick(o(R.THANKS_TAILS)),
    OG: () => pick(o(R.OFFICIAL_GREETINGS)),
    OT: () => pick(o(R.OFFICIAL_TAILS)),
    GCH: () => pick(o(R.GENERAL_CHATTER)),
    EMO: () => pick(['😂', '🤷‍♀️', '))', '🙄', '😅', '']),
    U: () => pick(o(R.CUE_URGENCY)),
    H: () => pick(o(R.CUE_HIDING)),
    S: () => pick(o(R.CUE_SPREAD)),
    A: () => pick(o(R.CUE_ANON)),
    NUM: () => pick(o(R.CUE_NUMBERS)),
    BIG: () => pick(['300', '1000', '45', '120', '2000', '80', '500']),
    MULT: () => pick(['три', 'пять', 'десять', 'два']),
  };
  const cap = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);
  const tidy = (s: string) =>
    s.replace(/\s+/g, ' ').replace(/\s+([,.!?:])/g, '$1').replace(/([.!?])\s*\./g, '$1').replace(/^[\s.,]+/, '').trim();
  const base = (sector: Sector, category: string): Pick<Rec, 'sector' | 'category' | 'misinformation' | 'urgent'> => ({ sector, category, misinformation: false, urgent: false });

  for (const frag of sectors) {
    const others = sectors.filter((f) => f !== frag);
    for (const cat of frag.categories) {
      const gens = o(cat.gen);
      // Complaints: every clause in several frames.
      for (const raw of o(cat.complaints)) {
        const urgent = raw.startsWith('!');
        const clause = raw.replace(/^!/, '');
        for (let r = 0; r < times(6); r++) {
          const frame = pick(o(R.COMPLAINT_FRAMES));
          const other = pick(others);
          const p2 = pick(o(other.categories.flatMap((c) => c.complaints))).replace(/^!/, '');
          let text = fill(frame, frag, { P: () => fill(clause, frag), P2: () => fill(p2, other) });
          if (urgent && chance(0.4)) text += ' ' + pick(o(R.URGENT_TAILS));
          push({ ...base(frag.sector, cat.code), text: noisy(cap(tidy(text)), 1), complaint: true, tone: 'negative', urgent, register: 'complaint' });
        }
      }
      // Questions: the category's own and generic ones about its topic.
      const qs = [...o(cat.questions).map((q) => () => q), ...gens.map((g) => () => pick(o(R.QUESTION_GENERIC)).replace('{GEN}', g))];
      for (const q of qs) {
        for (let r = 0; r < times(3); r++) {
          const text = fill(pick(o(R.QUESTION_FRAMES)), frag, { QU: () => fill(q(), frag) });
          push({ ...base(frag.sector, cat.code), text: noisy(cap(tidy(text)), 0.5), complaint: false, tone: 'neutral', register: 'question' });
        }
      }
      // News: facts, and reports about complaints (a hard negative: the words of a complaint, the register of news).
      const ns = [...o(cat.news).map((n) => () => n), ...gens.map((g) => () => pick(o(R.NEWS_GENERIC)).replace('{GEN}', g))];
      for (const n of ns) {
        for (let r = 0; r < times(3); r++) {
          const text = fill(pick(o(R.NEWS_FRAMES)), frag, { N: () => fill(n(), frag) });
          push({ ...base(frag.sector, cat.code), text: cap(tidy(text)), complaint: false, tone: 'neutral', register: 'news' });
        }
      }
      for (const th of o(cat.thanks)) {
        for (let r = 0; r < times(3); r++) {
          const text = fill(pick(o(R.THANKS_FRAMES)), frag, { T: () => fill(th, frag) });
          push({ ...base(frag.sector, cat.code), text: noisy(cap(tidy(text)), 0.5), complaint: false, tone: 'positive', register: 'thanks' });
        }
      }
      // Official replies: the category's own bodies and generic ones about its topic.
      const obs = [...o(cat.official ?? []).map((b) => () => b), ...gens.map((g) => () => pick(o(R.OFFICIAL_GENERIC)).replace('{GEN}', g))];
      for (const ob of obs) {
        for (let r = 0; r < times(3); r++) {
          const text = fill(pick(o(R.OFFICIAL_FRAMES)), frag, { OB: () => fill(ob(), frag) });
          push({ ...base(frag.sector, cat.code), text: cap(tidy(text)), complaint: false, tone: 'neutral', register: 'official' });
        }
      }
    }
    for (const ch of o(frag.chatter)) {
      for (let r = 0; r < times(3); r++) {
        const text = fill(pick(o(R.CHATTER_FRAMES)), frag, { CH: () => fill(ch, frag) });
        push({ ...base(frag.sector, 'chatter'), text: noisy(cap(tidy(text)), 0.7), complaint: false, tone: 'neutral', register: 'chatter' });
      }
    }
  }

  const bySector = new Map(sectors.map((f) => [f.sector, f]));
  for (const claim of o(R.FAKE_CLAIMS)) {
    const frag = bySector.get(claim.sector) as SectorFragments;
    for (let r = 0; r < times(8); r++) {
      const text = fill(pick(o(R.MISINFO_FRAMES)), frag, { CLAIM: () => fill(claim.text, frag) });
      push({ ...base(claim.sector, 'rumour'), text: noisy(cap(tidy(text)), 0.6), complaint: false, misinformation: true, tone: 'negative', register: 'rumour' });
    }
    for (let r = 0; r < times(3); r++) {
      const text = fill(pick(o(R.DEBUNK_FRAMES)), frag, { CLAIM: () => fill(claim.text, frag) });
      push({ ...base(claim.sector, 'debunk'), text: cap(tidy(text)), complaint: false, tone: 'neutral', register: 'debunk' });
    }
  }
}
