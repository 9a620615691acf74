/**
 * Tiny DOM builder. Text children become text nodes, never markup: everything users wrote
 * (post text, author names, URLs) goes through here or through textContent.
 */

type Child = Node | string | null | undefined | false;

export interface ElProps {
  class?: string;
  text?: string;
  title?: string;
  attrs?: Record<string, string>;
  dataset?: Record<string, string>;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: ElProps = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.class) node.className = props.class;
  if (props.text !== undefined) node.textContent = props.text;
  if (props.title) node.title = props.title;
  if (props.attrs) for (const [k, v] of Object.entries(props.attrs)) node.setAttribute(k, v);
  if (props.dataset) for (const [k, v] of Object.entries(props.dataset)) node.dataset[k] = v;
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

/** The URL if it is an absolute http(s) URL, otherwise null (no javascript:, data:, relative…). */
export function safeHttpUrl(raw: string | null | undefined): string | null {
  if (!raw) return null;
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** An external link opened in a new tab, or a plain span when the URL is not http(s). */
export function externalLink(rawUrl: string | null | undefined, label: string, cls: string): HTMLElement {
  const href = safeHttpUrl(rawUrl);
  if (!href) return el('span', { class: cls, text: label });
  return el('a', {
    class: cls,
    text: label,
    title: href,
    attrs: { href, target: '_blank', rel: 'noopener noreferrer' },
  });
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} is missing from the page`);
  return node as T;
}
