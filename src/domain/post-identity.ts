/**
 * When a post's id or link names a person. A VK post on a personal wall carries the wall owner's
 * user id in both (`vk:455555555_812`, `https://vk.com/wall455555555_812`); community walls have
 * negative owner ids and name no one. Roles without `posts:author` get such posts under an opaque
 * id and without the link, and so does everyone once the author is erased.
 */
export function idIdentifiesPerson(postId: string): boolean {
  return /^vk:[1-9]\d*_/.test(postId);
}

/** The post id inside an incident id (`inc:<postId>`), or the id itself. */
export function postIdOfIncident(incidentId: string): string {
  return incidentId.startsWith('inc:') ? incidentId.slice(4) : incidentId;
}

/** Opaque ids are recognisable by their prefix, so an input can be either form. */
export const OPAQUE_ID_PREFIX = 'x.';
export const isOpaqueId = (id: string) => id.startsWith(OPAQUE_ID_PREFIX);
