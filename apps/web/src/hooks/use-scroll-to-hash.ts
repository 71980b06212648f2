import { useEffect } from 'react';
import { useLocation } from 'react-router-dom';

/**
 * Brings the element named by the address's #fragment into view once the page has rendered its data
 * (a client-side page has nothing to scroll to when the browser first looks). Links in alerts use it.
 */
export function useScrollToHash(isReady: boolean) {
  const { hash } = useLocation();
  useEffect(() => {
    if (!isReady || hash.length < 2) return;
    const element = document.getElementById(decodeURIComponent(hash.slice(1)));
    element?.scrollIntoView?.({ block: 'start' });
  }, [isReady, hash]);
}
