import { useEffect } from 'react';

let pageTitle = '';
let prefix = '';

function applyTitle() {
  document.title = `${prefix}${pageTitle ? `${pageTitle} · ` : ''}Tocsin`;
}

/** Sets the tab title to "<page> · Tocsin" while the page is shown. */
export function useDocumentTitle(title: string) {
  useEffect(() => {
    const previous = pageTitle;
    pageTitle = title;
    applyTitle();
    return () => {
      pageTitle = previous;
      applyTitle();
    };
  }, [title]);
}

/**
 * A prefix for every page's title while `text` is set, e.g. "(3) " for three new alerts: it tells a person
 * looking at another tab that something arrived.
 */
export function useDocumentTitlePrefix(text: string) {
  useEffect(() => {
    prefix = text;
    applyTitle();
    return () => {
      prefix = '';
      applyTitle();
    };
  }, [text]);
}
