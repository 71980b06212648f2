import type { Location } from 'react-router-dom';
import { afterEach, describe, expect, it } from 'vitest';
import { hasUnsavedChanges, setUnsavedChanges } from '../lib/unsaved-changes';
import { shouldBlockNavigation } from './use-unsaved-changes';

const at = (pathname: string, search = ''): Location => ({ pathname, search, hash: '', state: null, key: pathname });
const navigation = (from: Location, to: Location) =>
  shouldBlockNavigation({ currentLocation: from, nextLocation: to, historyAction: 'PUSH' as never });

afterEach(() => {
  setUnsavedChanges('a', false);
  setUnsavedChanges('b', false);
});

describe('unsaved changes', () => {
  it('is dirty while any form reports edits, clean once every form is', () => {
    setUnsavedChanges('a', true);
    setUnsavedChanges('b', true);
    setUnsavedChanges('a', false);
    expect(hasUnsavedChanges()).toBe(true);
    setUnsavedChanges('b', false);
    expect(hasUnsavedChanges()).toBe(false);
  });

  it('holds navigation to another page while dirty, not within the page', () => {
    expect(navigation(at('/profile'), at('/alerts'))).toBe(false);
    setUnsavedChanges('a', true);
    expect(navigation(at('/profile'), at('/alerts'))).toBe(true);
    expect(navigation(at('/alerts'), at('/alerts', '?page=2'))).toBe(true);
    expect(navigation(at('/profile'), at('/profile'))).toBe(false);
  });

  it('never holds the way to the login page: the session ended, and a prompt could save nothing', () => {
    setUnsavedChanges('a', true);
    expect(navigation(at('/system-settings'), at('/login', '?next=%2Fsystem-settings'))).toBe(false);
  });
});
