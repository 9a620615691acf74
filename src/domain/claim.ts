import type { Network } from './network';
import type { Engagement } from './post';
import type { Sector } from './sector';

/**
 * The misinformation desk's domain: a claim groups the posts that assert the same thing; the desk
 * works it through a status workflow to a verdict with evidence and a debunk. Pure.
 */
export const CLAIM_STATUSES = ['unstarted', 'in_progress', 'verdict'] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

export const VERDICTS = ['false', 'manipulation', 'misleading', 'true', 'unverifiable'] as const;
export type Verdict = (typeof VERDICTS)[number];

export const VERDICT_TITLES_RU: Readonly<Record<Verdict, string>> = {
  false: 'Ложь',
  manipulation: 'Манипуляция',
  misleading: 'Вводит в заблуждение',
  true: 'Правда',
  unverifiable: 'Невозможно проверить',
};

export const CLAIM_STATUS_TITLES_RU: Readonly<Record<ClaimStatus, string>> = {
  unstarted: 'Не начата',
  in_progress: 'В работе',
  verdict: 'Вердикт',
};

export const EVIDENCE_KINDS = ['official_source', 'document', 'organisation_statement', 'other'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

/** One piece of evidence behind a verdict: a link to an official source, a document, a statement. */
export interface Evidence {
  kind: EvidenceKind;
  url: string;
  title: string;
  /** Who published it («Минздрав Омской области»), when known. */
  publisher?: string;
}

export interface ClaimVerdict {
  value: Verdict;
  /** Short debunk (or confirmation) text for official pages. */
  debunk: string;
  evidence: Evidence[];
  analyst: { id: string; username: string };
  at: string;
}

/** Where the debunk was published (an official page's post), and how far it reached. */
export interface DebunkPublication {
  url: string;
  network?: Network;
  publishedAt: string;
  reach: number;
}

export interface Claim {
  id: string;
  /** The assertion, as the desk words it («В Омске отравлена вода в водопроводе»). */
  title: string;
  /** Texts the matcher compares new posts with (the seed post's text, the title, confirmed copies). */
  matchTexts: string[];
  status: ClaimStatus;
  verdict: ClaimVerdict | null;
  /** Scope of the claim: its first post's sector and municipality. */
  sector: Sector;
  municipality: string;
  publications: DebunkPublication[];
  /** Set when the claim was merged into another one; a merged claim takes no new posts. */
  mergedInto: string | null;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
}

/** How a post came to belong to a claim. */
export const LINK_KINDS = ['seed', 'manual', 'auto', 'repost', 'confirmed'] as const;
export type LinkKind = (typeof LINK_KINDS)[number];
export type LinkState = 'linked' | 'suggested' | 'rejected';

/** A post's membership of a claim (or a suggestion of it). One per post. */
export interface ClaimLink {
  postId: string;
  claimId: string;
  state: LinkState;
  kind: LinkKind;
  similarity: number;
  network: Network;
  sector: Sector;
  municipality: string;
  publishedAt: string;
  linkedAt: string;
  reach: number;
  engagement?: Engagement;
  /** Who linked, confirmed or rejected it (absent for automatic links). */
  by?: string;
}

export const DESK_LIMITS = {
  titleChars: 500,
  debunkChars: 4_000,
  evidenceItems: 20,
  evidenceTitleChars: 300,
  urlChars: 2_000,
  publications: 100,
  matchTexts: 20,
} as const;

/** Status moves the desk may make by hand; `verdict` is reached only by recording a verdict. */
export function canMoveStatus(from: ClaimStatus, to: ClaimStatus): boolean {
  switch (from) {
    case 'unstarted':
      return to === 'in_progress';
    case 'in_progress':
      return to === 'unstarted';
    case 'verdict':
      // Reopening a verdict sends the claim back to work; the verdict history stays in the audit.
      return to === 'in_progress';
  }
}

/** Verdicts that may not be recorded without evidence. */
export function verdictNeedsEvidence(v: Verdict): boolean {
  return v === 'false' || v === 'manipulation';
}

/** Verdicts that make the claim something to warn about and to watch spreading. */
export function isHarmfulVerdict(v: Verdict): boolean {
  return v === 'false' || v === 'manipulation' || v === 'misleading';
}

/**
 * The misinformation risk a post gets from its claim's verdict: a human decision replaces the
 * model's guess. `unverifiable` keeps the model's score (null).
 */
export function riskFromVerdict(v: Verdict): number | null {
  switch (v) {
    case 'false':
      return 1;
    case 'manipulation':
      return 0.9;
    case 'misleading':
      return 0.75;
    case 'true':
      return 0;
    case 'unverifiable':
      return null;
  }
}

/**
 * Reach of a post from the network's counters. Views are the audience; where a network gives no
 * views (OK, VK comments), each interaction stands for the readers it implies: a repost carries the
 * post to another audience, a comment and a like mean someone read it.
 */
export function reachOf(e: Engagement | undefined): number {
  if (!e) return 0;
  const interactions = (e.likes ?? 0) + 3 * (e.comments ?? 0) + 10 * (e.reposts ?? 0);
  return Math.max(e.views ?? 0, 0) + interactions;
}

/**
 * Queue priority: risk × reach × velocity. Reach and velocity enter on a log scale with a floor of
 * one, so a post nobody has seen yet still ranks by its risk, and a viral copy cannot drown the
 * risk signal entirely.
 */
export function queuePriority(risk: number, reach: number, copiesPerHour: number): number {
  return risk * Math.log10(10 + Math.max(0, reach)) * (1 + Math.log2(1 + Math.max(0, copiesPerHour)));
}

/** Copies per hour over a window ending now. */
export function copiesPerHour(publishedAt: readonly string[], now: Date, windowHours: number): number {
  const from = now.getTime() - windowHours * 3_600_000;
  let n = 0;
  for (const p of publishedAt) {
    const t = Date.parse(p);
    if (t >= from && t <= now.getTime()) n++;
  }
  return n / windowHours;
}

/**
 * A harmful claim accelerates when its copies in the last hour reach the threshold and outnumber
 * those of the hour before.
 */
export function isAccelerating(lastHour: number, previousHour: number, perHourThreshold: number): boolean {
  return lastHour >= perHourThreshold && lastHour > previousHour;
}

/** The ready-to-publish warning text for official pages (Russian). */
export function warningText(claim: Pick<Claim, 'title'>, verdict: ClaimVerdict): string {
  const sources = verdict.evidence.map((e) => `— ${e.publisher ? `${e.publisher}: ` : ''}${e.title} ${e.url}`);
  const head = verdict.value === 'true' ? 'ПОДТВЕРЖДЕНО' : verdict.value === 'unverifiable' ? 'НЕ ПОДТВЕРЖДЕНО' : 'ВНИМАНИЕ: НЕДОСТОВЕРНАЯ ИНФОРМАЦИЯ';
  return [
    head,
    '',
    `Утверждение: «${claim.title}»`,
    `Вердикт: ${VERDICT_TITLES_RU[verdict.value]}`,
    '',
    verdict.debunk,
    ...(sources.length > 0 ? ['', 'Источники:', ...sources] : []),
  ].join('\n');
}
