import { describe, expect, it } from 'vitest';
import { getLinkTarget, isExternalHttpUrl, isInternalPath, toSafeHref } from './urls';

describe('isInternalPath', () => {
  it('accepts site paths and refuses protocol-relative ones', () => {
    expect(isInternalPath('/alerts')).toBe(true);
    expect(isInternalPath('/products/3?tab=notifications')).toBe(true);
    expect(isInternalPath('//evil.example')).toBe(false);
    expect(isInternalPath('/\\evil.example')).toBe(false);
    expect(isInternalPath('https://example.com')).toBe(false);
  });
});

describe('isExternalHttpUrl', () => {
  it('accepts http and https only', () => {
    expect(isExternalHttpUrl('https://example.com/x')).toBe(true);
    expect(isExternalHttpUrl('HTTP://example.com')).toBe(true);
    expect(isExternalHttpUrl('ftp://example.com')).toBe(false);
    expect(isExternalHttpUrl('https://')).toBe(false);
  });
});

describe('toSafeHref', () => {
  it('keeps http(s), site paths and fragments', () => {
    expect(toSafeHref('https://jira.example.com/browse/SEC-1')).toBe('https://jira.example.com/browse/SEC-1');
    expect(toSafeHref('/alerts')).toBe('/alerts');
    expect(toSafeHref('#details')).toBe('#details');
  });

  it('refuses script and data URLs in any spelling', () => {
    expect(toSafeHref('javascript:alert(1)')).toBeNull();
    expect(toSafeHref('JavaScript:alert(1)')).toBeNull();
    expect(toSafeHref(' javascript:alert(1)')).toBeNull();
    expect(toSafeHref('java\nscript:alert(1)')).toBeNull();
    expect(toSafeHref('data:text/html;base64,PHNjcmlwdD4=')).toBeNull();
    expect(toSafeHref('vbscript:msgbox')).toBeNull();
    expect(toSafeHref('//evil.example/x')).toBeNull();
    expect(toSafeHref('')).toBeNull();
    expect(toSafeHref(null)).toBeNull();
  });
});

describe('getLinkTarget', () => {
  const origin = 'https://tocsin.example.com';

  it('keeps site paths in the app', () => {
    expect(getLinkTarget('/products/3?tab=x#n', origin)).toEqual({ kind: 'in-app', path: '/products/3?tab=x#n' });
  });

  it('turns an absolute URL on the app origin into an in-app path', () => {
    expect(getLinkTarget('https://tocsin.example.com/alerts?page=2', origin)).toEqual({ kind: 'in-app', path: '/alerts?page=2' });
  });

  it('treats another origin as external and names its host, port included', () => {
    expect(getLinkTarget('https://jira.example.com/browse/SEC-1', origin)).toEqual({
      kind: 'external',
      href: 'https://jira.example.com/browse/SEC-1',
      host: 'jira.example.com',
    });
    expect(getLinkTarget('http://tocsin.example.com/alerts', origin)).toMatchObject({ kind: 'external', host: 'tocsin.example.com' });
    expect(getLinkTarget('https://tocsin.example.com:8443/x', origin)).toMatchObject({ kind: 'external', host: 'tocsin.example.com:8443' });
  });

  it('refuses unsafe targets', () => {
    expect(getLinkTarget('javascript:alert(1)', origin)).toBeNull();
    expect(getLinkTarget('//evil.example/x', origin)).toBeNull();
    expect(getLinkTarget('', origin)).toBeNull();
  });
});
