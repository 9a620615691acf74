/**
 * The desk page's one keyboard handler (dashboards/pages/desk/keys.ts): which action a key means,
 * with keys typed into fields and modified keys left to the browser (Esc leaves the field).
 */
import { describe, expect, it } from 'vitest';
import { keyAction, type KeyLike } from '../../dashboards/pages/desk/keys';
import { filterFromUrl, queryOf } from '../../dashboards/pages/desk/model';

/** An element inside a `tag` (a span in a button, a text input…), or the body. */
function target(tag: string | null): EventTarget {
  if (!tag) return document.body;
  const outer = document.createElement(tag);
  const inner = document.createElement('span');
  outer.append(inner);
  document.body.append(outer);
  return tag === 'button' ? inner : outer;
}
const press = (key: string, over: Partial<KeyLike> = {}): KeyLike => ({ key, ctrlKey: false, metaKey: false, altKey: false, target: target(null), ...over });

describe('desk keyboard', () => {
  it('maps the desk keys', () => {
    expect(['j', 'k', 'Enter', 'n', 'v', 'a', 'r', 'q', 's', 'Escape'].map((k) => keyAction(press(k)))).toEqual([
      'next',
      'prev',
      'open',
      'new',
      'verdict',
      'accept',
      'reject',
      'queue',
      'suggestions',
      'close',
    ]);
    expect(keyAction(press('x'))).toBeNull();
  });

  it('ignores keys typed into fields, except Esc which leaves the field', () => {
    for (const tag of ['input', 'textarea', 'select']) {
      expect(keyAction(press('j', { target: target(tag) }))).toBeNull();
      expect(keyAction(press('Enter', { target: target(tag) }))).toBeNull();
      expect(keyAction(press('Escape', { target: target(tag) }))).toBe('leave-field');
    }
  });

  it('ignores modified keys and Enter on a button', () => {
    expect(keyAction(press('r', { ctrlKey: true }))).toBeNull();
    expect(keyAction(press('a', { metaKey: true }))).toBeNull();
    expect(keyAction(press('j', { altKey: true }))).toBeNull();
    expect(keyAction(press('Enter', { target: target('button') }))).toBeNull();
  });
});

describe('desk filters in the URL', () => {
  it('reads known values and drops the rest', () => {
    expect(filterFromUrl(new URLSearchParams('network=telegram&sector=nope&status=all&municipality=omsk'))).toEqual({ network: 'telegram', sector: '', status: 'all', municipality: 'omsk' });
    expect(filterFromUrl(new URLSearchParams('municipality=%3Cx%3E')).municipality).toBe('');
    expect(queryOf(filterFromUrl(new URLSearchParams('')))).toEqual({ status: 'open', limit: 100, sector: undefined, municipality: undefined, network: undefined });
  });
});
