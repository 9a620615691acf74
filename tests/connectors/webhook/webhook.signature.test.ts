import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/env';
import { mapAppeal, signAppeal, SIGNATURE_TOLERANCE_SECONDS, verifySignature, type Appeal } from '../../../src/services/webhook.service';

const secret = 'pos-omsk-secret-0123456789abcdef0123';
const now = 1_790_000_000;
const ts = String(now);
const body = Buffer.from(JSON.stringify({ id: '42', text: 'Нет отопления', createdAt: '2026-11-23T10:00:00+06:00' }), 'utf8');

const verify = (over: Partial<{ secret: string; timestamp: string | undefined; signature: string | undefined; rawBody: Buffer }> = {}, at = now) =>
  verifySignature({ secret, timestamp: ts, signature: signAppeal(secret, ts, body), rawBody: body, ...over }, at);

describe('webhook signature', () => {
  it('accepts a signature computed as the README describes (HMAC-SHA256 over "<ts>.<raw body>")', () => {
    const byHand = `sha256=${createHmac('sha256', secret).update(`${ts}.${body.toString('utf8')}`).digest('hex')}`;
    expect(signAppeal(secret, ts, body)).toBe(byHand);
    expect(verify({ signature: byHand })).toEqual({ ok: true });
    expect(verify({ signature: byHand.toUpperCase().replace('SHA256=', 'sha256=') })).toEqual({ ok: true });
  });

  it('refuses a tampered body, even a changed whitespace byte', () => {
    const tampered = Buffer.from(body.toString('utf8').replace('Нет', 'Есть'), 'utf8');
    expect(verify({ rawBody: tampered })).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(verify({ rawBody: Buffer.concat([body, Buffer.from(' ')]) })).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('refuses a signature made with another secret or for another timestamp', () => {
    expect(verify({ signature: signAppeal('another-secret-0123456789abcdef0123', ts, body) })).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(verify({ signature: signAppeal(secret, String(now - 1), body) })).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('refuses timestamps outside ±5 minutes, with a message saying so, and accepts the edges', () => {
    const old = String(now - SIGNATURE_TOLERANCE_SECONDS - 1);
    const future = String(now + SIGNATURE_TOLERANCE_SECONDS + 1);
    const stale = verify({ timestamp: old, signature: signAppeal(secret, old, body) });
    expect(stale).toMatchObject({ ok: false, reason: 'stale_timestamp' });
    expect(stale.ok ? '' : stale.message).toMatch(/in the past.*±300 s/);
    const ahead = verify({ timestamp: future, signature: signAppeal(secret, future, body) });
    expect(ahead).toMatchObject({ ok: false, reason: 'stale_timestamp' });
    expect(ahead.ok ? '' : ahead.message).toMatch(/in the future/);
    const edge = String(now - SIGNATURE_TOLERANCE_SECONDS);
    expect(verify({ timestamp: edge, signature: signAppeal(secret, edge, body) })).toEqual({ ok: true });
  });

  it('refuses missing and malformed headers', () => {
    const good = signAppeal(secret, ts, body);
    expect(verify({ timestamp: undefined })).toMatchObject({ ok: false, reason: 'missing_timestamp' });
    expect(verify({ timestamp: '2026-11-23T10:00:00Z' })).toMatchObject({ ok: false, reason: 'malformed_timestamp' });
    expect(verify({ timestamp: `${ts}000` })).toMatchObject({ ok: false, reason: 'malformed_timestamp' }); // milliseconds
    expect(verify({ signature: undefined })).toMatchObject({ ok: false, reason: 'missing_signature' });
    for (const bad of [good.slice('sha256='.length), good.replace('sha256=', 'sha1='), good.slice(0, -2), `${good}00`, 'sha256=' + 'zz'.repeat(32), 'Bearer abc']) {
      expect(verify({ signature: bad })).toMatchObject({ ok: false, reason: 'malformed_signature' });
    }
  });
});

describe('appeal mapping', () => {
  const known = (code: string) => ['omsk', 'tara', 'region'].includes(code);
  const appeal: Appeal = { id: 'A-17', text: 'Во дворе не убирают снег', createdAt: '2026-11-23T10:00:00+06:00' };

  it('gives a deterministic post id and the sender as author and source', () => {
    const post = mapAppeal('nash-sever', { secret, name: '«Наш Север»', municipality: 'tara' }, appeal, known);
    expect(post).toEqual({
      network: 'feedback',
      externalId: 'nash-sever:A-17',
      kind: 'post',
      url: 'https://feedback.invalid/nash-sever/A-17',
      text: 'Во дворе не убирают снег',
      publishedAt: '2026-11-23T10:00:00+06:00',
      author: { id: 'nash-sever', name: '«Наш Север»' },
      sourceId: 'feedback:nash-sever',
      municipality: 'tara',
    });
  });

  it('prefers the appeal’s known municipality, falls back to the sender’s, and appends category and address', () => {
    const sender = { secret, municipality: 'tara' };
    expect(mapAppeal('pos', sender, { ...appeal, municipality: 'omsk' }, known).municipality).toBe('omsk');
    expect(mapAppeal('pos', sender, { ...appeal, municipality: 'atlantis' }, known).municipality).toBe('tara');
    expect(mapAppeal('pos', { secret }, { ...appeal, municipality: 'atlantis' }, known)).not.toHaveProperty('municipality');
    const full = mapAppeal('pos', sender, { ...appeal, url: 'https://pos.gosuslugi.ru/a/17', author: { id: '9', name: 'Житель' }, category: 'Благоустройство', address: 'ул. Ленина, 5' }, known);
    expect(full.url).toBe('https://pos.gosuslugi.ru/a/17');
    expect(full.author).toEqual({ id: 'pos:9', name: 'Житель' });
    expect(full.text).toBe('Во дворе не убирают снег\n\nКатегория: Благоустройство\nАдрес: ул. Ленина, 5');
  });
});

describe('WEBHOOK_SENDERS', () => {
  const problemsOf = (value: string): string[] => {
    try {
      loadConfig({ WEBHOOK_SENDERS: value });
    } catch (err) {
      if (err instanceof ConfigError) return err.problems;
      throw err;
    }
    return [];
  };

  it('parses senders and defaults to none', () => {
    expect(loadConfig({}).WEBHOOK_SENDERS).toEqual({});
    expect(loadConfig({ WEBHOOK_SENDERS: JSON.stringify({ pos: { secret, municipality: 'omsk' } }) }).WEBHOOK_SENDERS).toEqual({ pos: { secret, municipality: 'omsk' } });
  });

  it('names the variable and the problem without echoing the secret', () => {
    const short = problemsOf(JSON.stringify({ pos: { secret: 'short-secret-value' } }));
    expect(short).toHaveLength(1);
    expect(short[0]).toMatch(/^WEBHOOK_SENDERS=.*pos\.secret: secret must be at least 32 characters/);
    expect(short[0]).not.toContain('short-secret-value');
    const broken = problemsOf(`{"pos": {"secret": "${secret}"`);
    expect(broken[0]).toMatch(/^WEBHOOK_SENDERS=.*not valid JSON/);
    expect(broken[0]).not.toContain(secret);
    expect(problemsOf(JSON.stringify({ 'Bad Id': { secret } }))[0]).toMatch(/^WEBHOOK_SENDERS=/);
    expect(problemsOf(JSON.stringify({ pos: { secret, extra: 1 } }))[0]).toMatch(/^WEBHOOK_SENDERS=/);
  });
});
