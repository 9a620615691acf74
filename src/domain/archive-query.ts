import { NETWORKS, type Network } from './network';
import { SECTORS, type Sector } from './sector';

/**
 * The archive query language (issue 13). Pure: tokenising, parsing and validating only; the
 * service turns the tree into an Elasticsearch query and computes the stems.
 *
 *   тепло отключили               both words (implicit AND), any word form (stems)
 *   "нет горячей воды"            a phrase (word forms or stems in this order)
 *   мусор OR свалка               either; `ИЛИ` works too
 *   авария AND NOT учения         `И`, `НЕ`, a leading `-` also negates
 *   (тепло OR отопление) ремонт*  grouping; a trailing `*` is a prefix
 *   sector:housing tone:negative  field filters (see FIELDS); values with spaces in quotes
 *   date:2026-01-01..2026-01-31   a date range (either end may be empty)
 *
 * Every error carries the 0-based character position it refers to.
 */
export type QueryNode =
  | { type: 'term'; text: string; prefix: boolean; pos: number }
  | { type: 'phrase'; text: string; pos: number }
  | { type: 'field'; field: QueryField; value: string; pos: number }
  | { type: 'range'; field: 'date'; from?: string; to?: string; pos: number }
  | { type: 'and'; children: QueryNode[] }
  | { type: 'or'; children: QueryNode[] }
  | { type: 'not'; child: QueryNode };

export const QUERY_FIELDS = ['sector', 'category', 'municipality', 'network', 'source', 'tone', 'urgent', 'status', 'organisation', 'author', 'complaint', 'misinformation', 'street'] as const;
export type QueryField = (typeof QUERY_FIELDS)[number];

/** Russian and short aliases users type. */
const FIELD_ALIASES: Readonly<Record<string, QueryField | 'date'>> = {
  sector: 'sector', сектор: 'sector', блок: 'sector',
  category: 'category', категория: 'category',
  municipality: 'municipality', mo: 'municipality', район: 'municipality', мо: 'municipality',
  network: 'network', сеть: 'network',
  source: 'source', источник: 'source',
  tone: 'tone', тон: 'tone', тональность: 'tone',
  urgent: 'urgent', срочно: 'urgent', срочность: 'urgent',
  status: 'status', статус: 'status',
  organisation: 'organisation', org: 'organisation', организация: 'organisation',
  author: 'author', автор: 'author',
  complaint: 'complaint', жалоба: 'complaint',
  misinformation: 'misinformation', misinfo: 'misinformation', фейк: 'misinformation',
  street: 'street', улица: 'street', адрес: 'street',
  date: 'date', дата: 'date',
};

export const TONES = ['negative', 'neutral', 'positive'] as const;
export const INCIDENT_STATUSES = ['new', 'routed', 'in_progress', 'answered', 'resolved', 'closed', 'rejected'] as const;

export const QUERY_LIMITS = { maxLength: 1000, maxTerms: 64, maxDepth: 16 } as const;

export class QuerySyntaxError extends Error {
  constructor(
    readonly position: number,
    readonly reason: string,
  ) {
    super(`Ошибка в запросе, позиция ${position + 1}: ${reason}`);
    this.name = 'QuerySyntaxError';
  }
}

type Token =
  | { kind: 'word'; text: string; pos: number }
  | { kind: 'phrase'; text: string; pos: number }
  | { kind: 'lparen' | 'rparen' | 'and' | 'or' | 'not' | 'minus'; pos: number }
  | { kind: 'field'; name: string; pos: number }
  | { kind: 'eof'; pos: number };

const OPERATORS: Readonly<Record<string, 'and' | 'or' | 'not'>> = { AND: 'and', И: 'and', OR: 'or', ИЛИ: 'or', NOT: 'not', НЕ: 'not' };
const WORD_CHAR = /[\p{L}\p{N}_.*\-/№]/u;
const FIELD_NAME = /^[\p{L}_]+$/u;

function tokenise(input: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i] as string;
    if (/\s/u.test(ch)) {
      i++;
      continue;
    }
    if (ch === '(' || ch === ')') {
      out.push({ kind: ch === '(' ? 'lparen' : 'rparen', pos: i });
      i++;
      continue;
    }
    if (ch === '"' || ch === '«') {
      const close = ch === '"' ? '"' : '»';
      const end = input.indexOf(close, i + 1);
      if (end < 0) throw new QuerySyntaxError(i, 'не закрыта кавычка');
      out.push({ kind: 'phrase', text: input.slice(i + 1, end), pos: i });
      i = end + 1;
      continue;
    }
    if (ch === '-' && (out.length === 0 || /[\s(]/u.test(input[i - 1] ?? ' ')) && i + 1 < input.length && /[\p{L}\p{N}"«(]/u.test(input[i + 1] as string)) {
      out.push({ kind: 'minus', pos: i });
      i++;
      continue;
    }
    if (WORD_CHAR.test(ch) || ch === ':') {
      const start = i;
      while (i < input.length && WORD_CHAR.test(input[i] as string)) i++;
      const text = input.slice(start, i);
      if (input[i] === ':') {
        if (!text || !FIELD_NAME.test(text)) throw new QuerySyntaxError(start, 'перед двоеточием должно стоять имя поля');
        out.push({ kind: 'field', name: text, pos: start });
        i++;
        continue;
      }
      const op = OPERATORS[text];
      if (op) out.push({ kind: op, pos: start });
      else out.push({ kind: 'word', text, pos: start });
      continue;
    }
    throw new QuerySyntaxError(i, `недопустимый символ «${ch}»`);
  }
  out.push({ kind: 'eof', pos: input.length });
  return out;
}

const DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

function validDate(s: string): boolean {
  if (!DATE.test(s)) return false;
  const d = new Date(s.length === 10 ? `${s}T00:00:00Z` : s);
  if (Number.isNaN(d.getTime())) return false;
  // 2026-02-30 parses as March 2: refuse dates that do not round-trip.
  return s.length !== 10 || d.toISOString().slice(0, 10) === s;
}

export interface ParseOptions {
  /** Municipality codes known to the region; an unknown one is an error at its position. */
  isMunicipality?(code: string): boolean;
  isCategory?(code: string): boolean;
}

/** Parses a query; an empty query yields null (everything in scope). Throws QuerySyntaxError. */
export function parseQuery(input: string, opts: ParseOptions = {}): QueryNode | null {
  if (input.length > QUERY_LIMITS.maxLength) throw new QuerySyntaxError(QUERY_LIMITS.maxLength, `запрос длиннее ${QUERY_LIMITS.maxLength} символов`);
  const tokens = tokenise(input);
  let at = 0;
  let leaves = 0;
  const peek = () => tokens[at] as Token;
  const next = () => tokens[at++] as Token;

  const leaf = (pos: number) => {
    if (++leaves > QUERY_LIMITS.maxTerms) throw new QuerySyntaxError(pos, `больше ${QUERY_LIMITS.maxTerms} условий`);
  };

  function parseOr(depth: number): QueryNode {
    if (depth > QUERY_LIMITS.maxDepth) throw new QuerySyntaxError(peek().pos, `вложенность скобок больше ${QUERY_LIMITS.maxDepth}`);
    const children = [parseAnd(depth)];
    while (peek().kind === 'or') {
      next();
      children.push(parseAnd(depth));
    }
    return children.length === 1 ? (children[0] as QueryNode) : { type: 'or', children };
  }

  function parseAnd(depth: number): QueryNode {
    const children = [parseUnary(depth)];
    for (;;) {
      const t = peek();
      if (t.kind === 'and') {
        next();
        children.push(parseUnary(depth));
      } else if (t.kind === 'eof' || t.kind === 'rparen' || t.kind === 'or') break;
      else children.push(parseUnary(depth));
    }
    return children.length === 1 ? (children[0] as QueryNode) : { type: 'and', children };
  }

  function parseUnary(depth: number): QueryNode {
    const t = peek();
    if (t.kind === 'not' || t.kind === 'minus') {
      if (depth >= QUERY_LIMITS.maxDepth) throw new QuerySyntaxError(t.pos, `больше ${QUERY_LIMITS.maxDepth} отрицаний подряд`);
      next();
      return { type: 'not', child: parseUnary(depth + 1) };
    }
    return parsePrimary(depth);
  }

  function parsePrimary(depth: number): QueryNode {
    const t = next();
    switch (t.kind) {
      case 'lparen': {
        if (peek().kind === 'rparen') throw new QuerySyntaxError(peek().pos, 'пустые скобки');
        const inner = parseOr(depth + 1);
        const close = next();
        if (close.kind !== 'rparen') throw new QuerySyntaxError(close.pos, 'ожидалась закрывающая скобка «)»');
        return inner;
      }
      case 'phrase': {
        leaf(t.pos);
        if (!/[\p{L}\p{N}]/u.test(t.text)) throw new QuerySyntaxError(t.pos, 'пустая фраза');
        return { type: 'phrase', text: t.text, pos: t.pos };
      }
      case 'word': {
        leaf(t.pos);
        const prefix = t.text.endsWith('*');
        const text = t.text.replace(/\*+$/, '');
        if (text.includes('*')) throw new QuerySyntaxError(t.pos, 'звёздочка допустима только в конце слова');
        if (!/[\p{L}\p{N}]/u.test(text)) throw new QuerySyntaxError(t.pos, 'ожидалось слово');
        if (prefix && text.length < 3) throw new QuerySyntaxError(t.pos, 'перед звёздочкой нужно не меньше трёх букв');
        return { type: 'term', text, prefix, pos: t.pos };
      }
      case 'field':
        leaf(t.pos);
        return parseField(t.name, t.pos);
      case 'rparen':
        throw new QuerySyntaxError(t.pos, 'лишняя закрывающая скобка «)»');
      case 'eof':
        throw new QuerySyntaxError(t.pos, 'запрос оборвался: ожидалось слово, фраза или поле');
      case 'and':
      case 'or':
        throw new QuerySyntaxError(t.pos, 'оператор без левой части');
      case 'not':
      case 'minus':
        throw new QuerySyntaxError(t.pos, 'ожидалось слово после НЕ');
    }
  }

  function parseField(rawName: string, pos: number): QueryNode {
    const field = FIELD_ALIASES[rawName.toLowerCase()];
    if (!field) throw new QuerySyntaxError(pos, `неизвестное поле «${rawName}»; доступны: ${QUERY_FIELDS.join(', ')}, date`);
    const v = next();
    if (v.kind !== 'word' && v.kind !== 'phrase') throw new QuerySyntaxError(v.pos, `после «${rawName}:» ожидалось значение`);
    const value = v.text.trim();
    if (!value) throw new QuerySyntaxError(v.pos, 'пустое значение поля');
    if (field === 'date') {
      const [from = '', to = '', ...rest] = value.split('..');
      if (rest.length > 0 || !value.includes('..')) {
        if (!value.includes('..') && validDate(value)) return { type: 'range', field: 'date', from: value, to: value, pos };
        throw new QuerySyntaxError(v.pos, 'дата: ожидалось ГГГГ-ММ-ДД или диапазон ГГГГ-ММ-ДД..ГГГГ-ММ-ДД');
      }
      if (from && !validDate(from)) throw new QuerySyntaxError(v.pos, `неверная дата «${from}»`);
      if (to && !validDate(to)) throw new QuerySyntaxError(v.pos + from.length + 2, `неверная дата «${to}»`);
      if (!from && !to) throw new QuerySyntaxError(v.pos, 'у диапазона дат нет ни начала, ни конца');
      if (from && to && dateStart(from) > dateEnd(to)) throw new QuerySyntaxError(v.pos, 'начало диапазона позже конца');
      return { type: 'range', field: 'date', ...(from ? { from } : {}), ...(to ? { to } : {}), pos };
    }
    const bad = (allowed: readonly string[]) => new QuerySyntaxError(v.pos, `недопустимое значение «${value}» поля ${field}; допустимы: ${allowed.join(', ')}`);
    switch (field) {
      case 'sector':
        if (!(SECTORS as readonly string[]).includes(value)) throw bad(SECTORS);
        break;
      case 'network':
        if (!(NETWORKS as readonly string[]).includes(value)) throw bad(NETWORKS);
        break;
      case 'tone':
        if (!(TONES as readonly string[]).includes(value)) throw bad(TONES);
        break;
      case 'status':
        if (!(INCIDENT_STATUSES as readonly string[]).includes(value)) throw bad(INCIDENT_STATUSES);
        break;
      case 'urgent':
      case 'complaint':
      case 'misinformation':
        if (value !== 'true' && value !== 'false' && value !== 'да' && value !== 'нет') throw bad(['true', 'false']);
        return { type: 'field', field, value: value === 'да' || value === 'true' ? 'true' : 'false', pos };
      case 'municipality':
        if (opts.isMunicipality && !opts.isMunicipality(value)) throw new QuerySyntaxError(v.pos, `неизвестный муниципалитет «${value}»`);
        break;
      case 'category':
        if (opts.isCategory && !opts.isCategory(value)) throw new QuerySyntaxError(v.pos, `неизвестная категория «${value}»`);
        break;
      case 'source':
      case 'organisation':
      case 'author':
      case 'street':
        break;
    }
    return { type: 'field', field, value, pos };
  }

  if (tokens.length === 1) return null;
  const tree = parseOr(0);
  const rest = peek();
  if (rest.kind !== 'eof') throw new QuerySyntaxError(rest.pos, rest.kind === 'rparen' ? 'лишняя закрывающая скобка «)»' : 'неожиданный фрагмент');
  return tree;
}

/** Inclusive day bounds for a date or a date-time. */
export function dateStart(s: string): string {
  return s.length === 10 ? `${s}T00:00:00.000Z` : new Date(s).toISOString();
}
export function dateEnd(s: string): string {
  return s.length === 10 ? `${s}T23:59:59.999Z` : new Date(s).toISOString();
}

/** Every node of a tree (for checks such as "does it filter by author?"). */
export function walk(node: QueryNode | null, visit: (n: QueryNode) => void): void {
  if (!node) return;
  visit(node);
  if (node.type === 'and' || node.type === 'or') for (const c of node.children) walk(c, visit);
  else if (node.type === 'not') walk(node.child, visit);
}

/** Words and phrases a result should be highlighted for (not those under NOT). */
export function positiveTexts(node: QueryNode | null): string[] {
  const out: string[] = [];
  const go = (n: QueryNode | null, negated: boolean) => {
    if (!n) return;
    if (n.type === 'term' || n.type === 'phrase') {
      if (!negated) out.push(n.text);
    } else if (n.type === 'and' || n.type === 'or') for (const c of n.children) go(c, negated);
    else if (n.type === 'not') go(n.child, !negated);
  };
  go(node, false);
  return out;
}

/** A query-language clause for one filter value, used for drill-down links. */
export function fieldClause(field: QueryField, value: string): string {
  return /^[\p{L}\p{N}_.\-/]+$/u.test(value) ? `${field}:${value}` : `${field}:"${value.replaceAll('"', '')}"`;
}

export type { Network, Sector };
