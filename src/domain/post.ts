import type { Classification } from './classification';
import type { Network } from './network';

/** Limits a post must fit in; larger input is rejected with a reason, never truncated silently. */
export const POST_LIMITS = {
  maxTextChars: 50_000,
  maxExternalIdChars: 200,
  maxUrlChars: 2_000,
  maxAuthorNameChars: 300,
} as const;

export interface PostAuthor {
  /** Network-local author id (e.g. VK user id). Personal data: never logged, never in queue payloads. */
  id: string;
  name: string;
  url?: string;
}

export interface Engagement {
  likes?: number;
  comments?: number;
  reposts?: number;
  views?: number;
}

/**
 * A post as a connector delivers it, before any enrichment. Connectors build it with a pure
 * mapper from the network's raw payload.
 */
export interface IncomingPost {
  network: Network;
  externalId: string;
  kind: 'post' | 'comment';
  /** For comments: the externalId of the post commented on (same network). */
  parentExternalId?: string;
  url: string;
  text: string;
  /** ISO-8601 with zone. */
  publishedAt: string;
  author: PostAuthor;
  /** Registry id of the source this was pulled from (community, channel, feed, sender). */
  sourceId: string;
  /** Municipality code of the source, when the source belongs to one. */
  municipality?: string;
  engagement?: Engagement;
  /**
   * Post id (`network:externalId`) of the post this one reposts, forwards or quotes, from the
   * network's own fields (VK copy_history, a Telegram forward's link); the desk links it to the
   * original's claim.
   */
  repostOf?: string;
  /**
   * Written by the watched page itself (a community answering under its own wall, a channel's
   * own post), from the network's author fields; absent when the connector cannot tell. A page's
   * own comment is the page speaking, never a resident's complaint (see decideIncident).
   */
  fromPage?: boolean;
  /** For comments: the externalId of the comment this one answers (VK reply_to_comment, OK reply_to_comment_id, a thread's head). */
  replyToExternalId?: string;
}

/** Deterministic id: a post delivered twice is one document. */
export function postId(network: Network, externalId: string): string {
  return `${network}:${externalId}`;
}

/** A post after the pipeline: normalised, stemmed and classified. */
export interface EnrichedPost extends IncomingPost {
  id: string;
  municipality: string;
  ingestedAt: string;
  /** Space-separated Russian stems of the text (indexed beside the original). */
  textStems: string;
  classification: Classification;
  incidentId?: string;
  /** The misinformation desk's claim this post belongs to, and its verdict when there is one. */
  claim?: { id: string; verdict?: string };
}
