import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, envTableMarkdown, ENV_SPEC, loadConfig } from '../../src/config/env';

describe('env schema', () => {
  it('has a default or an explicit optional for every variable and parses an empty environment', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.DEMO_ENABLED).toBe(false);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('names every invalid variable', () => {
    let err: unknown;
    try {
      loadConfig({ PORT: 'x', ES_URL: 'ftp://es', REDIS_URL: 'http://redis', DEMO_RATE: '-1', ES_INDEX_PREFIX: 'UPPER' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const names = (err as ConfigError).problems.map((p) => p.split('=')[0]);
    expect(names).toEqual(['PORT', 'ES_URL', 'ES_INDEX_PREFIX', 'REDIS_URL', 'DEMO_RATE']);
  });

  it('coerces booleans and numbers', () => {
    const c = loadConfig({ DEMO_ENABLED: 'yes', DEMO_RATE: '2.5', PIPELINE_BATCH_SIZE: '100' });
    expect(c.DEMO_ENABLED).toBe(true);
    expect(c.DEMO_RATE).toBe(2.5);
    expect(c.PIPELINE_BATCH_SIZE).toBe(100);
  });

  it('keeps the README table in sync with the schema', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(envTableMarkdown());
    for (const name of Object.keys(ENV_SPEC)) expect(readme).toContain(`\`${name}\``);
  });
});
