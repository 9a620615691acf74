/**
 * The live feed contract between the API (socket.io server) and the dashboards. Imported by both
 * sides; keep it free of Node-only imports.
 */
import type { IncidentReason, IncidentStatus } from '../domain/incident';
import type { Network } from '../domain/network';
import type { Sector } from '../domain/sector';

/** What an operator sees of an incident. Author is null for roles that may not see it. */
export interface IncidentCard {
  id: string;
  postId: string;
  reason: IncidentReason;
  status: IncidentStatus;
  sector: Sector;
  municipality: string;
  municipalityName: string;
  network: Network;
  kind: 'post' | 'comment';
  text: string;
  url: string;
  author: { name: string; url?: string } | null;
  publishedAt: string;
  createdAt: string;
  dueAt: string;
  complaintConfidence: number;
  misinformationScore: number;
  misinformationReasons: string[];
  /** Problem category (`housing.heating`) and its Russian title; absent on incidents opened before it existed. */
  category?: string;
  categoryTitle?: string;
  /** Danger to life or health, or a mass outage: shown flagged to the operator. */
  urgent?: boolean;
  urgencyReasons?: string[];
  // Incident work (issue 10).
  /** Opaque optimistic-concurrency version: send it back with every action. */
  version: string;
  assignee: { id: string; username: string; name: string } | null;
  organisation: { id: string; name: string } | null;
  /** Posts grouped into this incident (the opening one included), their networks, span and reach. */
  postCount: number;
  networks: Network[];
  firstAt: string;
  lastAt: string;
  reach: number;
  commentCount: number;
  updatedAt: string;
  mergedInto?: string;
  /** A similar open incident the operator may merge this one into. */
  suggestion?: { incidentId: string; similarity: number };
}

/** Every pushed event carries the feed cursor; a client that reconnects sends the last one back. */
export interface FeedEvent<T> {
  cursor: string;
  data: T;
}

export interface FeedReady {
  /** Events replayed because the client missed them during a disconnect. */
  replayed: number;
  /** True when the client's cursor is too old to replay: reload the list over REST. */
  resync: boolean;
  cursor: string;
}

export interface ServerToClientEvents {
  'incident:new': (event: FeedEvent<IncidentCard>) => void;
  'feed:ready': (info: FeedReady) => void;
  /** An incident in the user's scope changed: the new card replaces the old (compare `updatedAt`). */
  'incident:updated': (event: FeedEvent<IncidentCard>) => void;
  /** An incident left the user's scope (corrected to another sector or municipality): drop the card. */
  'incident:left': (event: FeedEvent<{ id: string }>) => void;
  /** An escalation notification for this user (issue 11 point 4); the list is `GET /api/escalations`. */
  'notification:new': (n: { id: string; incidentId: string; stage: 'interim' | 'final'; level: string; title: string; body: string; at: string }) => void;
}

// The feed is push-only for now; client commands go through REST.
export type ClientToServerEvents = Record<string, never>;

/** Sent in the socket.io handshake `auth` object. */
export interface FeedHandshake {
  /** Session token (also accepted from the session cookie). */
  token?: string;
  /** Cursor of the last event the client saw, to replay what it missed. */
  lastCursor?: string;
}
