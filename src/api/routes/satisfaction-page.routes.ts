import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RateLimitedError } from '../../lib/errors';
import type { OrganisationDeskService } from '../../services/organisation-desk.service';
import type { ResponseService } from '../../services/response.service';

/** HTML-escapes text for the server-rendered page (every dynamic piece goes through it). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

type PageState = 'open' | 'used' | 'expired' | 'recorded_solved' | 'recorded_not_solved' | 'invalid' | 'limited';

const TEXTS: Record<Exclude<PageState, 'open'>, { title: string; body: string }> = {
  used: { title: 'Ответ уже получен', body: 'По этой ссылке уже ответили. Спасибо! Повторно ответить нельзя.' },
  expired: { title: 'Ссылка недействительна', body: 'Срок действия ссылки истёк или она неверна. Если проблема не решена, напишите нам повторно там же, где оставляли обращение.' },
  recorded_solved: { title: 'Спасибо за ответ', body: 'Мы отметили, что проблема решена.' },
  recorded_not_solved: { title: 'Спасибо за ответ', body: 'Мы отметили, что проблема не решена: обращение снова передано в работу.' },
  invalid: { title: 'Ссылка неполная', body: 'В ссылке нет кода. Откройте её из сообщения полностью.' },
  limited: { title: 'Слишком много попыток', body: 'Подождите минуту и откройте ссылку снова.' },
};

/**
 * The resident's page behind the one-time satisfaction link (`/rate/?t=…`): no login, no shell,
 * no script — server-rendered HTML under the same strict CSP, a plain form posting back to itself.
 * Every outcome (used, expired, rate-limited) is a readable Russian page, never an error trace.
 */
export function satisfactionPage(state: PageState, token = ''): string {
  let main: string;
  if (state === 'open') {
    const t = escapeHtml(token);
    main = `<h1>Решена ли ваша проблема?</h1>
<p>Ответственная организация сообщила, что по вашему обращению дан окончательный ответ. Пожалуйста, отметьте, решена ли проблема.</p>
<form method="post" action="/rate/">
<input type="hidden" name="t" value="${t}">
<button type="submit" name="verdict" value="solved" class="btn btn--primary" id="rate-solved">Да, решена</button>
<button type="submit" name="verdict" value="not_solved" class="btn" id="rate-not-solved">Нет, не решена</button>
</form>`;
  } else {
    const { title, body } = TEXTS[state];
    main = `<h1>${escapeHtml(title)}</h1>\n<p id="rate-result" data-state="${state}">${escapeHtml(body)}</p>`;
  }
  return `<!doctype html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Дозор — оценка ответа</title>
<link rel="stylesheet" href="/assets/app.css">
</head>
<body>
<main class="rate-page" id="rate" data-state="${state}">
${main}
</main>
</body>
</html>
`;
}

const tokenSchema = z.string().min(10).max(100).regex(/^[A-Za-z0-9_-]+$/);

export const satisfactionPageRoutes: FastifyPluginAsyncZod<{ response: ResponseService; desk: OrganisationDeskService }> = async (app, { response, desk }) => {
  // The page's own form posts urlencoded; parsed here only (scoped to this plugin).
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  const send = (reply: { type(t: string): unknown; header(k: string, v: string): unknown; status(n: number): unknown; send(b: unknown): unknown }, state: PageState, token?: string) => {
    reply.type('text/html; charset=utf-8');
    reply.header('cache-control', 'no-store');
    if (state === 'limited') {
      reply.status(429);
      reply.header('retry-after', '60');
    }
    return reply.send(satisfactionPage(state, token));
  };

  const limited = async (ip: string): Promise<boolean> => {
    try {
      await desk.limitPublic(ip);
      return false;
    } catch (e) {
      if (e instanceof RateLimitedError) return true;
      throw e;
    }
  };

  app.get('/rate/', { schema: { hide: true, querystring: z.object({ t: z.string().max(200).optional() }) } }, async (request, reply) => {
    const parsed = tokenSchema.safeParse(request.query.t);
    if (!parsed.success) return send(reply, request.query.t ? 'expired' : 'invalid');
    if (await limited(request.ip)) return send(reply, 'limited');
    const state = await response.linkState(parsed.data);
    return send(reply, state, parsed.data);
  });

  app.post('/rate/', { schema: { hide: true, body: z.object({ t: z.string().max(200).optional(), verdict: z.string().max(20).optional() }).passthrough() } }, async (request, reply) => {
    const parsed = tokenSchema.safeParse(request.body.t);
    if (!parsed.success) return send(reply, request.body.t ? 'expired' : 'invalid');
    const verdict = request.body.verdict;
    if (verdict !== 'solved' && verdict !== 'not_solved') return send(reply, 'open', parsed.data);
    if (await limited(request.ip)) return send(reply, 'limited');
    const state = await desk.linkVerdict(parsed.data, verdict, request.ip);
    return send(reply, state === 'recorded' ? (verdict === 'solved' ? 'recorded_solved' : 'recorded_not_solved') : state);
  });
};
