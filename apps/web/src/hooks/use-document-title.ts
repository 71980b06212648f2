import { useEffect } from 'react';

/** Sets the tab title to "<page> · Tocsin" while the page is shown. */
export function useDocumentTitle(title: string) {
  useEffect(() => {
    const previous = document.title;
    document.title = `${title} · Tocsin`;
    return () => {
      document.title = previous;
    };
  }, [title]);
}
