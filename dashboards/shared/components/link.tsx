/** Links to user-supplied URLs: only absolute http(s) ones become links (no javascript:, data:…). */

/** The URL if it is an absolute http(s) URL, otherwise null. */
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
export function ExternalLink({ href: raw, label, class: cls }: { href: string | null | undefined; label: string; class: string }) {
  const href = safeHttpUrl(raw);
  if (!href) return <span class={cls}>{label}</span>;
  return (
    <a class={cls} href={href} title={href} target="_blank" rel="noopener noreferrer">
      {label}
    </a>
  );
}
