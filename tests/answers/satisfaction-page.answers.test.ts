/** The resident's satisfaction page (/rate/): server-rendered, escaped, a clear page for every state. */
import { describe, expect, it } from 'vitest';
import { escapeHtml, satisfactionPage } from '../../src/api/routes/satisfaction-page.routes';

describe('satisfaction page', () => {
  it('escapes every dynamic piece', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const html = satisfactionPage('open', '"><script>alert(1)</script>');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&quot;&gt;&lt;script&gt;');
  });

  it('asks solved / not solved with a form posting back, no script', () => {
    const html = satisfactionPage('open', 'abcdefghijklmnop');
    expect(html).toContain('<form method="post" action="/rate/">');
    expect(html).toContain('value="solved"');
    expect(html).toContain('value="not_solved"');
    expect(html).not.toMatch(/<script|style=/);
  });

  it('says clearly in Russian when the link is used, expired, incomplete or rate-limited', () => {
    expect(satisfactionPage('used')).toContain('Ответ уже получен');
    expect(satisfactionPage('expired')).toContain('Ссылка недействительна');
    expect(satisfactionPage('invalid')).toContain('Ссылка неполная');
    expect(satisfactionPage('limited')).toContain('Слишком много попыток');
    expect(satisfactionPage('recorded_not_solved')).toContain('снова передано в работу');
  });
});
