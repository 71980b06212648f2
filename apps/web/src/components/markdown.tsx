/**
 * Markdown from alerts and events, rendered safely. No rehype-raw: raw HTML in the source is shown as
 * text, never parsed, so <script> or onerror= cannot reach the page. Links and images may only point
 * to http(s) URLs or paths on this site; anything else loses its target.
 */
import type { ComponentProps } from 'react';
import ReactMarkdown from 'react-markdown';
import { getLinkTarget, toSafeHref } from '../lib/urls';

function transformUrl(url: string): string {
  return toSafeHref(url) ?? '';
}

function MarkdownLink({ href, children, node: _node, ...rest }: ComponentProps<'a'> & { node?: unknown }) {
  if (!href) return <span>{children}</span>;
  // Pages on this app's own origin open in place; other sites in a new tab, without a referrer.
  const isExternal = getLinkTarget(href, typeof window === 'undefined' ? '' : window.location.origin)?.kind === 'external';
  return (
    <a href={href} {...rest} {...(isExternal ? { target: '_blank', rel: 'noopener noreferrer nofollow' } : {})}>
      {children}
    </a>
  );
}

// Images would let any event sender make every reader's browser call their server: show the alt text.
function MarkdownImage({ alt }: ComponentProps<'img'> & { node?: unknown }) {
  return alt ? <span className="markdown-image-alt">[{alt}]</span> : null;
}

export function Markdown({ children, className }: { children: string; className?: string }) {
  return (
    <div className={className ? `markdown ${className}` : 'markdown'}>
      <ReactMarkdown urlTransform={transformUrl} components={{ a: MarkdownLink, img: MarkdownImage }}>
        {children}
      </ReactMarkdown>
    </div>
  );
}
