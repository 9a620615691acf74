import type { ReplyPublisher } from './response.service';

/** `https://vk.com/wall-123_456` (or `?w=wall-123_456`) → owner and post ids. */
export function vkWallPost(url: string): { ownerId: number; postId: number } | null {
  const m = /wall(-?\d+)_(\d+)/.exec(url);
  return m ? { ownerId: Number(m[1]), postId: Number(m[2]) } : null;
}

/**
 * Publishes an answer as a reply under the resident's VK post (`wall.createComment`, signed by the
 * community with its token). The token travels only in the POST body, never in a URL or a log.
 */
export function createVkReplyPublisher(opts: { apiUrl: string; token: string; communityId?: number | undefined; fetchImpl?: typeof fetch }): ReplyPublisher {
  const doFetch = opts.fetchImpl ?? fetch;
  return async (target, text) => {
    const post = vkWallPost(target.postUrl);
    if (!post) throw new Error('not a VK wall post: the reply cannot be published there');
    const body = new URLSearchParams({
      owner_id: String(post.ownerId),
      post_id: String(post.postId),
      message: text,
      ...(opts.communityId ? { from_group: String(opts.communityId) } : {}),
      access_token: opts.token,
      v: '5.199',
    });
    const res = await doFetch(`${opts.apiUrl.replace(/\/$/, '')}/wall.createComment`, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' }, signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`VK answered HTTP ${res.status}`);
    const json = (await res.json()) as { response?: { comment_id?: number }; error?: { error_code?: number; error_msg?: string } };
    if (json.error) throw new Error(`VK error ${json.error.error_code ?? '?'}: ${(json.error.error_msg ?? '').slice(0, 100)}`);
    const id = json.response?.comment_id;
    if (typeof id !== 'number') throw new Error('VK answered without a comment id');
    return `https://vk.com/wall${post.ownerId}_${post.postId}?reply=${id}`;
  };
}
