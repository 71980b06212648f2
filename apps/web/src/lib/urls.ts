/**
 * Link targets that may be followed: absolute http(s) URLs and paths on this site. Everything else
 * (javascript:, data:, vbscript:, protocol-relative //host, backslash tricks) is refused.
 */

/** A path on this site ("/alerts?page=2"), to be followed with the router. */
export function isInternalPath(url: string): boolean {
  return url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/\\');
}

export function isExternalHttpUrl(url: string): boolean {
  if (!/^https?:\/\//i.test(url)) return false;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:';
  } catch {
    return false;
  }
}

/** The URL when it is safe to link to, otherwise null. Surrounding blanks and control characters are not tolerated. */
export function toSafeHref(url: string | null | undefined): string | null {
  if (!url) return null;
  // Browsers strip tabs/newlines inside URLs ("java\nscript:"), so a URL containing them is not trusted.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: detecting control characters is the point.
  if (/[\u0000-\u001f\u007f\s]/.test(url)) return null;
  if (isInternalPath(url) || isExternalHttpUrl(url)) return url;
  // A relative link inside markdown ("details", "#top", "?page=2") stays on this site.
  if (/^[#?]/.test(url)) return url;
  return null;
}

/**
 * Where a link goes, seen from the app at `origin`: a path to follow with the router (site paths and
 * absolute URLs on this same origin), an external http(s) page (with its host, to show), or nothing
 * when the target is not safe to follow.
 */
export type TLinkTarget = { kind: 'in-app'; path: string } | { kind: 'external'; href: string; host: string } | null;

export function getLinkTarget(url: string | null | undefined, origin: string): TLinkTarget {
  const href = toSafeHref(url);
  if (!href) return null;
  if (isInternalPath(href)) return { kind: 'in-app', path: href };
  if (!isExternalHttpUrl(href)) return { kind: 'in-app', path: href };
  const parsed = new URL(href);
  if (parsed.origin === origin) return { kind: 'in-app', path: `${parsed.pathname}${parsed.search}${parsed.hash}` };
  return { kind: 'external', href, host: parsed.host };
}
