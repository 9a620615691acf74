import type { Network } from './network';
import type { Sector } from './sector';

export type IncidentReason = 'complaint' | 'misinformation';
/** Lifecycle statuses; the transitions are in incident-workflow.ts. */
export const INCIDENT_STATUSES = ['new', 'taken', 'routed', 'answered', 'closed', 'reopened', 'rejected', 'merged'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** An incident: a post that needs someone to act. One per post at most (id derives from the post id). */
export interface Incident {
  id: string;
  postId: string;
  reason: IncidentReason;
  status: IncidentStatus;
  sector: Sector;
  /** Problem category code within the sector (`housing.heating`), when the classifier gave one. */
  category?: string;
  /** Danger to life or health, or a mass outage: the operator sees it flagged. */
  urgent?: boolean;
  municipality: string;
  network: Network;
  createdAt: string;
  /** When the responsible organisation must have answered. */
  dueAt: string;
}

export function incidentId(postId: string): string {
  return `inc:${postId}`;
}

export interface IncidentPolicy {
  /** Minimum classifier confidence that the post is a complaint. */
  complaintThreshold: number;
  /** Misinformation risk at or above which the desk must look, complaint or not. */
  misinformationThreshold: number;
  /** Response deadline, minutes after the incident is opened. */
  responseMinutes: number;
}

export interface IncidentSignals {
  complaint: { value: boolean; confidence: number };
  misinformation: { score: number };
  /**
   * A comment the watched page wrote under its own posts: the page answering residents, which
   * the classifier may read as a complaint (it restates the problem) but nobody has to act on.
   */
  pageReply?: boolean;
}

/** Decides whether a classified post is an incident, and why. Pure. */
export function incidentReason(signals: IncidentSignals, policy: IncidentPolicy): IncidentReason | null {
  if (signals.misinformation.score >= policy.misinformationThreshold) return 'misinformation';
  if (signals.pageReply) return null;
  if (signals.complaint.value && signals.complaint.confidence >= policy.complaintThreshold) return 'complaint';
  return null;
}
