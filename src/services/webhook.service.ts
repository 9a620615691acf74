import { createHmac, timingSafeEqual } from 'node:crypto';
import { postId, POST_LIMITS, type IncomingPost } from '../domain/post';
import { auditRecord } from '../domain/audit';
import { ForbiddenError, NotFoundError, UnauthorizedError, ValidationError } from '../lib/errors';
import type { Logger } from '../lib/logger';
import type { AuditRepository } from '../repositories/audit.repository';
import type { SourceHealthRepository } from '../repositories/source-health.repository';
import type { IngestService } from './ingest.service';

/** A feedback platform allowed to push appeals (from WEBHOOK_SENDERS, or a `webhook` source of the registry). */
export interface WebhookSender {
  /** HMAC-SHA256 key shared with the sender. Never logged. */
  secret: string;
  /** Municipality the sender covers, used when an appeal names none the gazetteer knows. */
  municipality?: string;
  name?: string;
}

/** An appeal as a feedback platform pushes it (validated by the route's schema). */
export interface Appeal {
  id: string;
  text: string;
  createdAt: string;
  url?: string;
  author?: { id?: string; name?: string };
  municipality?: string;
  category?: string;
  address?: string;
}

/** How far the sender's clock (X-Dozor-Timestamp) may be from ours. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export type SignatureFailure = 'missing_timestamp' | 'malformed_timestamp' | 'stale_timestamp' | 'missing_signature' | 'malformed_signature' | 'bad_signature';

export type SignatureCheck = { ok: true } | { ok: false; reason: SignatureFailure; message: string };

/** `sha256=<hex>` of HMAC-SHA256(secret, `${timestamp}.${rawBody}`): what a sender puts in X-Dozor-Signature. */
export function signAppeal(secret: string, timestamp: string, rawBody: Buffer | string): string {
  return `sha256=${hmac(secret, timestamp, rawBody).toString('hex')}`;
}

function hmac(secret: string, timestamp: string, rawBody: Buffer | string): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
}

/**
 * Checks the timestamp window and the signature over the exact raw bytes. Pure: `nowSeconds` is
 * passed in. The comparison is constant-time.
 */
export function verifySignature(
  input: { secret: string; timestamp: string | undefined; signature: string | undefined; rawBody: Buffer },
  nowSeconds: number,
): SignatureCheck {
  const { timestamp, signature } = input;
  if (!timestamp) return { ok: false, reason: 'missing_timestamp', message: 'X-Dozor-Timestamp header is required' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'malformed_timestamp', message: 'X-Dozor-Timestamp must be unix time in seconds' };
  const skew = Number(timestamp) - nowSeconds;
  if (Math.abs(skew) > SIGNATURE_TOLERANCE_SECONDS) {
    return {
      ok: false,
      reason: 'stale_timestamp',
      message: `X-Dozor-Timestamp is ${Math.abs(skew)} s ${skew < 0 ? 'in the past' : 'in the future'}; it must be within ±${SIGNATURE_TOLERANCE_SECONDS} s of server time (${nowSeconds})`,
    };
  }
  if (!signature) return { ok: false, reason: 'missing_signature', message: 'X-Dozor-Signature header is required' };
  const m = /^sha256=([0-9a-fA-F]{64})$/.exec(signature.trim());
  if (!m?.[1]) return { ok: false, reason: 'malformed_signature', message: 'X-Dozor-Signature must be sha256=<64 hex digits>' };
  const given = Buffer.from(m[1], 'hex');
  const expected = hmac(input.secret, timestamp, input.rawBody);
  if (!timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature', message: 'X-Dozor-Signature does not match the body' };
  return { ok: true };
}

/**
 * Maps an appeal to the post the pipeline takes. Pure. Address and category are appended to the
 * text (labelled) so operators see them and the place detector can use the address.
 */
export function mapAppeal(senderId: string, sender: WebhookSender, appeal: Appeal, isKnownMunicipality: (code: string) => boolean): IncomingPost {
  const extras = [appeal.category ? `Категория: ${appeal.category}` : '', appeal.address ? `Адрес: ${appeal.address}` : ''].filter(Boolean);
  const text = extras.length > 0 ? `${appeal.text}\n\n${extras.join('\n')}` : appeal.text;
  if (text.length > POST_LIMITS.maxTextChars) {
    throw new ValidationError(`body.text: text with category and address exceeds ${POST_LIMITS.maxTextChars} characters`, { field: 'body.text' });
  }
  const municipality = [appeal.municipality, sender.municipality].find((code) => code !== undefined && isKnownMunicipality(code));
  return {
    network: 'feedback',
    externalId: `${senderId}:${appeal.id}`,
    kind: 'post',
    // The URL field is required; an appeal without a public page gets a placeholder on the
    // reserved .invalid TLD, stable per appeal and never resolvable.
    url: appeal.url ?? `https://feedback.invalid/${encodeURIComponent(senderId)}/${encodeURIComponent(appeal.id)}`,
    text,
    publishedAt: appeal.createdAt,
    // Appeals are often anonymised: the sender stands in. Author ids are scoped by the sender.
    author: {
      id: appeal.author?.id ? `${senderId}:${appeal.author.id}` : senderId,
      name: appeal.author?.name || sender.name || senderId,
    },
    sourceId: `feedback:${senderId}`,
    ...(municipality ? { municipality } : {}),
  };
}

/** A sender registered in the source registry (a `webhook` source). */
export interface RegisteredSender extends WebhookSender {
  /** Registry id, the key of the sender's health. */
  sourceId: string;
  paused: boolean;
}

/**
 * Pushed appeals: sender lookup, signature check (denials audited, without body content), and
 * ingest. Answers only after the post is safely queued.
 *
 * Senders come from WEBHOOK_SENDERS and from the source registry (`webhook` sources; their secret
 * is in Redis, never in Elasticsearch). The registry refuses a sender id that WEBHOOK_SENDERS
 * already has, so the two never overlap; WEBHOOK_SENDERS is looked up first, which keeps
 * env-configured senders working while Elasticsearch is down. A paused registry sender is
 * refused with 403.
 */
export function createWebhookService(deps: {
  senders: Readonly<Record<string, WebhookSender>>;
  registry?: { findSender(senderId: string): Promise<RegisteredSender | null> };
  /** Registry senders' deliveries are recorded as their source's health. */
  health?: Pick<SourceHealthRepository, 'recordSuccess'>;
  ingest: Pick<IngestService, 'ingest'>;
  audit: Pick<AuditRepository, 'append'>;
  gazetteer: { isKnown(code: string): boolean };
  log: Logger;
  now?: () => Date;
}) {
  const senders = new Map(Object.entries(deps.senders));
  const now = deps.now ?? (() => new Date());
  const log = deps.log.child({ module: 'webhook' });

  async function senderOf(senderId: string): Promise<WebhookSender & { sourceId?: string }> {
    const sender = senders.get(senderId);
    if (sender) return sender;
    const registered = await deps.registry?.findSender(senderId);
    if (!registered) throw new NotFoundError('Sender');
    if (registered.paused) throw new ForbiddenError('Sender is paused by an administrator');
    return registered;
  }

  return {
    /** Throws NotFoundError for a sender not configured (before the body is read). */
    async requireSender(senderId: string): Promise<void> {
      await senderOf(senderId);
    },

    /** Verifies the signature over the raw body and returns the parsed JSON; 401 (audited) otherwise. */
    async authenticate(input: { senderId: string; timestamp: string | undefined; signature: string | undefined; rawBody: Buffer | undefined; ip: string }): Promise<unknown> {
      const sender = await senderOf(input.senderId);
      const rawBody = input.rawBody ?? Buffer.alloc(0);
      const at = now();
      const check = verifySignature({ secret: sender.secret, timestamp: input.timestamp, signature: input.signature, rawBody }, Math.floor(at.getTime() / 1000));
      if (!check.ok) {
        // Best effort: an audit outage must not turn a refusal into a 503.
        await deps.audit
          .append(auditRecord(null, { action: 'webhook.appeal', outcome: 'denied', target: `webhook:${input.senderId}`, ip: input.ip, details: { reason: check.reason, bytes: rawBody.length } }, at))
          .catch((err: Error) => log.warn({ err: err.message }, 'audit append failed'));
        throw new UnauthorizedError(check.message);
      }
      try {
        return JSON.parse(rawBody.toString('utf8')) as unknown;
      } catch {
        throw new ValidationError('body: not valid JSON', { field: 'body' });
      }
    },

    /** Maps and queues a verified appeal; resolves once it is in the queue. */
    async accept(senderId: string, appeal: Appeal): Promise<{ status: 'queued'; postId: string }> {
      const sender = await senderOf(senderId);
      const post = mapAppeal(senderId, sender, appeal, deps.gazetteer.isKnown);
      const res = await deps.ingest.ingest([post]);
      if (res.rejected.length > 0) throw new ValidationError(`body.id: ${res.rejected[0]?.reason ?? 'rejected'}`);
      if (sender.sourceId) {
        await deps.health?.recordSuccess(sender.sourceId, { items: 1, newestPublishedAt: appeal.createdAt }).catch((err: Error) => log.warn({ err: err.message }, 'source health not recorded'));
      }
      return { status: 'queued', postId: postId(post.network, post.externalId) };
    },
  };
}
export type WebhookService = ReturnType<typeof createWebhookService>;
