import { describe, expect, it } from 'vitest';
import { cookieValue, isAllowedOrigin, sessionCookie, sessionCookieName } from '../../src/api/auth';
import { ConfigError, loadConfig } from '../../src/config/env';

describe('auth configuration', () => {
  it('parses CORS_ORIGINS into exact origins and refuses anything else', () => {
    expect(loadConfig({}).CORS_ORIGINS).toEqual([]);
    expect(loadConfig({ CORS_ORIGINS: 'https://cur.example.ru, http://10.0.0.5:8080' }).CORS_ORIGINS).toEqual(['https://cur.example.ru', 'http://10.0.0.5:8080']);
    expect(() => loadConfig({ CORS_ORIGINS: 'https://cur.example.ru/path' })).toThrow(ConfigError);
    expect(() => loadConfig({ CORS_ORIGINS: '*' })).toThrow(/CORS_ORIGINS/);
  });

  it('refuses a TOTP key that is not 32 bytes without echoing it', () => {
    const err = (() => {
      try {
        loadConfig({ TOTP_ENCRYPTION_KEY: 'c2hvcnQ=' });
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    expect(err?.message).toMatch(/TOTP_ENCRYPTION_KEY=\[redacted\]/);
    expect(err?.message).not.toContain('c2hvcnQ=');
  });

  it('drops Secure and the __Host- prefix only when COOKIE_SECURE=false', () => {
    expect(loadConfig({}).COOKIE_SECURE).toBe(true);
    expect(sessionCookie(true, 'abc')).toBe('__Host-dozor_session=abc; Path=/; HttpOnly; SameSite=Strict; Secure');
    expect(sessionCookie(false, 'abc')).toBe('dozor_session=abc; Path=/; HttpOnly; SameSite=Strict');
    expect(sessionCookie(true, null)).toMatch(/^__Host-dozor_session=; .*Max-Age=0$/);
    expect(sessionCookieName(false)).toBe('dozor_session');
  });

  it('reads exactly the named cookie and matches origins by host', () => {
    expect(cookieValue('a=1; __Host-dozor_session=tok; x__Host-dozor_session=evil', '__Host-dozor_session')).toBe('tok');
    expect(cookieValue('dozor_session=plain', '__Host-dozor_session')).toBeUndefined();
    expect(isAllowedOrigin('http://127.0.0.1:3000', '127.0.0.1:3000', [])).toBe(true);
    expect(isAllowedOrigin('http://127.0.0.1:3001', '127.0.0.1:3000', [])).toBe(false);
    expect(isAllowedOrigin('https://cur.example.ru', '127.0.0.1:3000', ['https://cur.example.ru'])).toBe(true);
    expect(isAllowedOrigin('not a url', '127.0.0.1:3000', [])).toBe(false);
  });
});
