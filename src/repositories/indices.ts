import type { EsClient } from '../adapters/elasticsearch';

/**
 * Index layout. Every index is created from a versioned template and read through an alias, so a
 * mapping change is a new template version plus a new index behind the same alias.
 *
 * Only core-server features are used (the integ-test distribution has no analysis-common, no
 * painless, no ingest pipelines, no ILM): Russian stems are computed in Node and indexed into
 * `text_stems` with the core `whitespace` analyzer; the original text uses `standard`.
 */
export const TEMPLATE_VERSION = 1;

export interface IndexNames {
  /** Read alias over all monthly post indices. */
  posts: string;
  /** Pattern of monthly post indices, e.g. dozor-posts-v1-2026.11. */
  postsPattern: string;
  postsIndexFor(publishedAt: string): string;
  incidents: string;
  incidentsIndex: string;
  audit: string;
  auditIndex: string;
  users: string;
  usersIndex: string;
  /** Source registry (one index behind the alias). */
  sources: string;
  sourcesIndex: string;
  /** Operators' corrections of classifier outputs (append-only; training data for retraining). */
  corrections: string;
  correctionsIndex: string;
  /** Misinformation desk: claims with their verdicts, and posts' membership of claims. */
  claims: string;
  claimsIndex: string;
  claimLinks: string;
  claimLinksIndex: string;
  /** Organisation directory (issue 11). */
  organisations: string;
  organisationsIndex: string;
  /** Responsibility rules: sector × category × municipality → organisation. */
  routingRules: string;
  routingRulesIndex: string;
  /** In-app notifications (escalations), per recipient. */
  notifications: string;
  notificationsIndex: string;
}

export function indexNames(prefix: string): IndexNames {
  const v = `v${TEMPLATE_VERSION}`;
  return {
    posts: `${prefix}-posts`,
    postsPattern: `${prefix}-posts-${v}-*`,
    postsIndexFor(publishedAt: string) {
      const d = new Date(publishedAt);
      const month = Number.isNaN(d.getTime()) ? '0000.00' : `${d.getUTCFullYear()}.${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
      return `${prefix}-posts-${v}-${month}`;
    },
    incidents: `${prefix}-incidents`,
    incidentsIndex: `${prefix}-incidents-${v}`,
    audit: `${prefix}-audit`,
    auditIndex: `${prefix}-audit-${v}`,
    users: `${prefix}-users`,
    usersIndex: `${prefix}-users-${v}`,
    sources: `${prefix}-sources`,
    sourcesIndex: `${prefix}-sources-${v}`,
    corrections: `${prefix}-corrections`,
    correctionsIndex: `${prefix}-corrections-${v}`,
    claims: `${prefix}-claims`,
    claimsIndex: `${prefix}-claims-${v}`,
    claimLinks: `${prefix}-claim-links`,
    claimLinksIndex: `${prefix}-claim-links-${v}`,
    organisations: `${prefix}-organisations`,
    organisationsIndex: `${prefix}-organisations-${v}`,
    routingRules: `${prefix}-routing-rules`,
    routingRulesIndex: `${prefix}-routing-rules-${v}`,
    notifications: `${prefix}-notifications`,
    notificationsIndex: `${prefix}-notifications-${v}`,
  };
}

const keyword = { type: 'keyword' } as const;
const date = { type: 'date' } as const;
const float = { type: 'float' } as const;
const int = { type: 'integer' } as const;
const longType = { type: 'long' } as const;
const flag = { type: 'boolean' } as const;
const ruText = { type: 'text', analyzer: 'standard' } as const;
const stems = { type: 'text', analyzer: 'whitespace' } as const;
const notIndexed = { type: 'keyword', index: false, doc_values: false } as const;

const correctedProperties = {
  properties: { fields: keyword, at: date, by: keyword, values: { type: 'object', enabled: false } },
} as const;

/** Classifier outputs beyond sector/complaint/misinformation (issue 3): filterable keywords and flags. */
const classificationProperties = {
  category: keyword,
  category_confidence: float,
  tone: keyword,
  tone_confidence: float,
  urgent: flag,
  urgency_confidence: float,
  urgency_reasons: keyword,
  organisations: { properties: { kind: keyword, name: keyword } },
  address: { properties: { street: keyword, house: keyword, known: flag } },
} as const;

/** The desk's fields on a post: its claim, the claim's verdict, and the post it reposts. */
const postClaimProperties = { claim_id: keyword, claim_verdict: keyword, repost_of: keyword } as const;

/** Who wrote a comment and what it answers (issue 11 point 9, official pages). Additive. */
const postReplyProperties = { from_page: flag, reply_to: keyword } as const;

const postProperties = {
  id: keyword,
  network: keyword,
  external_id: keyword,
  kind: keyword,
  parent_id: keyword,
  url: notIndexed,
  text: ruText,
  text_stems: stems,
  text_length: int,
  published_at: date,
  ingested_at: date,
  source_id: keyword,
  municipality: keyword,
  author: {
    properties: {
      id: keyword,
      name: { type: 'text', analyzer: 'standard', fields: { raw: keyword } },
      url: notIndexed,
    },
  },
  engagement: { properties: { likes: longType, comments: longType, reposts: longType, views: longType } },
  sector: keyword,
  sector_confidence: float,
  complaint: flag,
  complaint_confidence: float,
  misinfo_score: float,
  misinfo_reasons: keyword,
  ...classificationProperties,
  ...postClaimProperties,
  ...postReplyProperties,
  model_version: keyword,
  incident_id: keyword,
  /** Outputs an operator corrected: which, when, by whom, and the human values (shown as such). */
  corrected: correctedProperties,
} as const;

/** Incident work (issue 10): owner, timeline, comments, grouping. Additive. */
const incidentWorkProperties = {
  assignee: { properties: { id: keyword, username: keyword, name: notIndexed } },
  updated_at: date,
  closed_at: date,
  merged_into: keyword,
  suggestion: { properties: { incident_id: keyword, similarity: float } },
  comment_count: int,
  // Read back whole with the incident, never searched.
  history: { type: 'object', enabled: false },
  comments: { type: 'object', enabled: false },
  reject_reason: notIndexed,
  shift_note_at: date,
} as const;

/** Routing, working-time deadlines, answers and satisfaction of an incident (issue 11). */
const incidentRoutingProperties = {
  organisation_id: keyword,
  organisation_name: keyword,
  routed_at: date,
  interim_due_at: date,
  final_due_at: date,
  deadline: { type: 'object', enabled: false },
  answers: {
    properties: {
      stage: keyword,
      text: { type: 'text', index: false },
      author_id: keyword,
      author_name: notIndexed,
      at: date,
      formal: flag,
      formal_reasons: keyword,
      template_id: keyword,
      published_url: notIndexed,
      publish_error: notIndexed,
    },
  },
  interim_answered_at: date,
  final_answered_at: date,
  formal_answer: flag,
  reopened_count: int,
  satisfaction: { properties: { verdict: keyword, at: date, via: keyword, by: keyword } },
} as const;

const incidentProperties = {
  id: keyword,
  post_id: keyword,
  post_index: keyword,
  reason: keyword,
  status: keyword,
  sector: keyword,
  category: keyword,
  urgent: flag,
  urgency_reasons: keyword,
  municipality: keyword,
  network: keyword,
  kind: keyword,
  created_at: date,
  due_at: date,
  published_at: date,
  // Snapshot of the post so the feed and the incident list need one lookup.
  text: ruText,
  url: notIndexed,
  author: { properties: { id: keyword, name: notIndexed, url: notIndexed } },
  complaint_confidence: float,
  misinfo_score: float,
  misinfo_reasons: keyword,
  model_version: keyword,
  ...incidentWorkProperties,
  ...incidentRoutingProperties,
} as const;

const auditProperties = {
  at: date,
  actor_id: keyword,
  actor_username: keyword,
  actor_role: keyword,
  action: keyword,
  outcome: keyword,
  target: keyword,
  ip: keyword,
  details: { type: 'object', enabled: false },
} as const;

const userProperties = {
  id: keyword,
  username: keyword,
  display_name: notIndexed,
  role: keyword,
  scope_sectors: keyword,
  scope_municipalities: keyword,
  password_hash: notIndexed,
  disabled: flag,
  /** Sealed TOTP secret (see src/services/totp.ts); absent until the user enrols. */
  totp_secret: notIndexed,
  totp_enabled: flag,
  must_change_password: flag,
  created_at: date,
  updated_at: date,
  /** The organisation a user of the `organisation` role answers for. */
  organisation_id: keyword,
  /** Address for e-mailed alerts and reports: personal data, stored but not searchable. */
  email: notIndexed,
} as const;

const correctionProperties = {
  id: keyword,
  at: date,
  actor_id: keyword,
  actor_username: keyword,
  actor_role: keyword,
  post_id: keyword,
  post_index: keyword,
  field: keyword,
  // JSON-encoded values: the type depends on the field (sector code, boolean, score, text).
  old_value: notIndexed,
  new_value: keyword,
  model_version: keyword,
  comment: { type: 'text', index: false },
  // The post text, kept for retraining only: stored, never indexed, never logged or queued.
  text: { type: 'text', index: false },
} as const;

const claimProperties = {
  id: keyword,
  title: ruText,
  match_texts: { type: 'text', index: false },
  match_stems: stems,
  status: keyword,
  verdict: keyword,
  // The verdict whole (debunk, evidence, analyst): read back, never searched.
  verdict_detail: { type: 'object', enabled: false },
  verdict_at: date,
  sector: keyword,
  municipality: keyword,
  publications: { type: 'object', enabled: false },
  merged_into: keyword,
  created_at: date,
  created_by: keyword,
  updated_at: date,
} as const;

const claimLinkProperties = {
  post_id: keyword,
  claim_id: keyword,
  state: keyword,
  kind: keyword,
  similarity: float,
  network: keyword,
  sector: keyword,
  municipality: keyword,
  published_at: date,
  linked_at: date,
  reach: longType,
  engagement: { properties: { likes: longType, comments: longType, reposts: longType, views: longType } },
  by: keyword,
} as const;

const sourceProperties = {
  id: keyword,
  kind: keyword,
  title: { type: 'text', analyzer: 'standard', fields: { raw: keyword } },
  municipality: keyword,
  official_organisation: { type: 'text', analyzer: 'standard', fields: { raw: keyword } },
  status: keyword,
  poll_interval_sec: int,
  created_at: date,
  updated_at: date,
  // Per-kind settings: read back whole, never searched.
  settings: { type: 'object', enabled: false },
} as const;

const organisationProperties = {
  id: keyword,
  name: { type: 'text', analyzer: 'standard', fields: { raw: keyword } },
  kind: keyword,
  municipality: keyword,
  sectors: keyword,
  contacts: { type: 'object', enabled: false },
  user_ids: keyword,
  official_source_ids: keyword,
  created_at: date,
  updated_at: date,
} as const;

const routingRuleProperties = {
  id: keyword,
  sector: keyword,
  category: keyword,
  municipality: keyword,
  organisation_id: keyword,
  created_at: date,
} as const;

const notificationProperties = {
  id: keyword,
  recipient_id: keyword,
  kind: keyword,
  incident_id: keyword,
  organisation_id: keyword,
  stage: keyword,
  level: keyword,
  title: notIndexed,
  body: notIndexed,
  at: date,
  read_at: date,
} as const;

interface TemplateSpec {
  name: string;
  patterns: string[];
  alias: string;
  properties: Record<string, unknown>;
  shards?: number;
}

function templates(names: IndexNames, prefix: string): TemplateSpec[] {
  return [
    { name: `${prefix}-posts-v${TEMPLATE_VERSION}`, patterns: [names.postsPattern], alias: names.posts, properties: postProperties },
    { name: `${prefix}-incidents-v${TEMPLATE_VERSION}`, patterns: [names.incidentsIndex], alias: names.incidents, properties: incidentProperties },
    { name: `${prefix}-audit-v${TEMPLATE_VERSION}`, patterns: [names.auditIndex], alias: names.audit, properties: auditProperties },
    { name: `${prefix}-users-v${TEMPLATE_VERSION}`, patterns: [names.usersIndex], alias: names.users, properties: userProperties },
    { name: `${prefix}-sources-v${TEMPLATE_VERSION}`, patterns: [names.sourcesIndex], alias: names.sources, properties: sourceProperties },
    { name: `${prefix}-corrections-v${TEMPLATE_VERSION}`, patterns: [names.correctionsIndex], alias: names.corrections, properties: correctionProperties },
    { name: `${prefix}-claims-v${TEMPLATE_VERSION}`, patterns: [names.claimsIndex], alias: names.claims, properties: claimProperties },
    { name: `${prefix}-claim-links-v${TEMPLATE_VERSION}`, patterns: [names.claimLinksIndex], alias: names.claimLinks, properties: claimLinkProperties },
    { name: `${prefix}-organisations-v${TEMPLATE_VERSION}`, patterns: [names.organisationsIndex], alias: names.organisations, properties: organisationProperties },
    { name: `${prefix}-routing-rules-v${TEMPLATE_VERSION}`, patterns: [names.routingRulesIndex], alias: names.routingRules, properties: routingRuleProperties },
    { name: `${prefix}-notifications-v${TEMPLATE_VERSION}`, patterns: [names.notificationsIndex], alias: names.notifications, properties: notificationProperties },
  ];
}

/**
 * Installs the templates and creates the single-index families (incidents, audit, users).
 * Idempotent: safe at every process start and from several processes at once.
 */
export async function ensureIndices(es: EsClient, prefix: string, opts: { replicas?: number } = {}): Promise<IndexNames> {
  const names = indexNames(prefix);
  const replicas = opts.replicas ?? 0;
  for (const t of templates(names, prefix)) {
    await es.indices.putIndexTemplate({
      name: t.name,
      index_patterns: t.patterns,
      version: TEMPLATE_VERSION,
      priority: 100,
      _meta: { owner: 'dozor', template_version: TEMPLATE_VERSION },
      template: {
        settings: { number_of_shards: t.shards ?? 1, number_of_replicas: replicas, refresh_interval: '1s' },
        mappings: { dynamic: 'strict', properties: t.properties as never },
        aliases: { [t.alias]: {} },
      },
    });
  }
  // Additive field for post indices created before it existed (templates only shape new indices).
  await es.indices.putMapping({ index: names.postsPattern, allow_no_indices: true, properties: { corrected: correctedProperties as never } });
  // Additive classifier fields (category, tone, urgency, organisations, address) for existing indices.
  await es.indices.putMapping({ index: names.postsPattern, allow_no_indices: true, properties: classificationProperties as never });
  await es.indices.putMapping({ index: names.incidentsIndex, allow_no_indices: true, ignore_unavailable: true, properties: { category: keyword, urgent: flag, urgency_reasons: keyword } });
  await es.indices.putMapping({ index: names.postsPattern, allow_no_indices: true, properties: postClaimProperties as never });
  await es.indices.putMapping({ index: names.incidentsIndex, allow_no_indices: true, ignore_unavailable: true, properties: incidentWorkProperties as never });
  await es.indices.putMapping({ index: names.postsPattern, allow_no_indices: true, properties: postReplyProperties as never });
  await es.indices.putMapping({ index: names.usersIndex, allow_no_indices: true, ignore_unavailable: true, properties: { totp_secret: notIndexed, totp_enabled: flag, must_change_password: flag } });
  await es.indices.putMapping({ index: names.usersIndex, allow_no_indices: true, ignore_unavailable: true, properties: { organisation_id: keyword } });
  await es.indices.putMapping({ index: names.usersIndex, allow_no_indices: true, ignore_unavailable: true, properties: { email: notIndexed } });
  await es.indices.putMapping({ index: names.incidentsIndex, allow_no_indices: true, ignore_unavailable: true, properties: incidentRoutingProperties as never });
  for (const index of [names.incidentsIndex, names.auditIndex, names.usersIndex, names.correctionsIndex, names.sourcesIndex, names.organisationsIndex, names.routingRulesIndex, names.notificationsIndex, names.claimsIndex, names.claimLinksIndex]) {
    try {
      await es.indices.create({ index });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }
  return names;
}

function isAlreadyExists(err: unknown): boolean {
  const type = (err as { body?: { error?: { type?: string } } }).body?.error?.type ?? (err as { meta?: { body?: { error?: { type?: string } } } }).meta?.body?.error?.type;
  return type === 'resource_already_exists_exception';
}

/** Deletes everything under a prefix: indices and templates. For tests and `npm run reset`. */
export async function dropIndices(es: EsClient, prefix: string): Promise<void> {
  // Wildcard deletes are refused by default (action.destructive_requires_name), so list first.
  const existing = await es.indices.get({ index: `${prefix}-*`, allow_no_indices: true, expand_wildcards: 'all' }, { ignore: [404] });
  const indices = Object.keys(existing ?? {});
  if (indices.length > 0) await es.indices.delete({ index: indices.join(',') }, { ignore: [404] });
  const tpl = await es.indices.getIndexTemplate({ name: `${prefix}-*` }, { ignore: [404] });
  for (const t of (tpl as { index_templates?: { name: string }[] }).index_templates ?? []) {
    await es.indices.deleteIndexTemplate({ name: t.name }, { ignore: [404] });
  }
}

/** Drops monthly post indices older than `keepMonths` full months (retention without ILM). */
export async function dropOldPostIndices(es: EsClient, names: IndexNames, keepMonths: number, now = new Date()): Promise<string[]> {
  const res = await es.cat.indices({ index: names.postsPattern, format: 'json', h: 'index' }, { ignore: [404] });
  const rows = Array.isArray(res) ? (res as { index?: string }[]) : [];
  const cutoff = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - keepMonths, 1));
  const cutoffName = names.postsIndexFor(cutoff.toISOString());
  const old = rows.map((r) => r.index ?? '').filter((i) => i !== '' && i < cutoffName);
  if (old.length > 0) await es.indices.delete({ index: old.join(',') });
  return old;
}
