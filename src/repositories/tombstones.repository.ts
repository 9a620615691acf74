import type { RedisClient } from '../adapters/redis';

/** What an erasure said about a person's posts: the author goes, and the text too when asked. */
export interface Tombstone {
  eraseText: boolean;
}

/**
 * Tombstones of erased authors and posts, consulted by the pipeline so a re-delivered or
 * re-fetched post of an erased person is anonymised again before it is stored. Kept in Redis
 * hashes without expiry; members are keyed hashes (`fingerprint`), so the list of erased people
 * does not itself name them.
 */
export function createTombstonesRepository(deps: { redis: RedisClient; prefix: string; fingerprint: (s: string) => string }) {
  const authorsKey = `${deps.prefix}:tombstones:authors`;
  const postsKey = `${deps.prefix}:tombstones:posts`;
  const author = (network: string, authorId: string) => deps.fingerprint(`author:${network}:${authorId}`);
  const post = (postId: string) => deps.fingerprint(`post:${postId}`);
  const value = (t: Tombstone) => (t.eraseText ? 'text' : 'author');

  async function add(key: string, members: string[], t: Tombstone): Promise<void> {
    if (members.length === 0) return;
    // An erasure of the text is never weakened by a later erasure of the author alone.
    const m = deps.redis.multi();
    for (const member of members) {
      if (t.eraseText) m.hset(key, member, 'text');
      else m.hsetnx(key, member, value(t));
    }
    await m.exec();
  }

  return {
    async addAuthors(network: string, authorIds: readonly string[], t: Tombstone): Promise<void> {
      await add(authorsKey, authorIds.map((id) => author(network, id)), t);
    },
    async addPosts(postIds: readonly string[], t: Tombstone): Promise<void> {
      await add(postsKey, postIds.map(post), t);
    },
    /** The tombstone that covers each post (by its id or its author), if any. */
    async match(posts: readonly { id: string; network: string; authorId: string | undefined }[]): Promise<Map<string, Tombstone>> {
      const out = new Map<string, Tombstone>();
      if (posts.length === 0) return out;
      const [byPost, byAuthor] = await Promise.all([
        deps.redis.hmget(postsKey, ...posts.map((p) => post(p.id))),
        deps.redis.hmget(authorsKey, ...posts.map((p) => (p.authorId ? author(p.network, p.authorId) : '-'))),
      ]);
      posts.forEach((p, i) => {
        const a = byPost[i];
        const b = byAuthor[i];
        if (a || b) out.set(p.id, { eraseText: a === 'text' || b === 'text' });
      });
      return out;
    },
  };
}
export type TombstonesRepository = ReturnType<typeof createTombstonesRepository>;
