import { describe, expect, it } from 'vitest';
import { paths, toSafeNextPath } from './paths';

describe('toSafeNextPath', () => {
  it('keeps site paths with their query', () => {
    expect(toSafeNextPath('/alerts?page=2')).toBe('/alerts?page=2');
    expect(toSafeNextPath('/products/3')).toBe('/products/3');
  });

  it('refuses other sites, missing values and the login page itself', () => {
    expect(toSafeNextPath('https://evil.example')).toBe('/');
    expect(toSafeNextPath('//evil.example')).toBe('/');
    expect(toSafeNextPath('/\\evil.example')).toBe('/');
    expect(toSafeNextPath(null)).toBe('/');
    expect(toSafeNextPath('/login?next=/alerts')).toBe('/');
  });
});

describe('paths', () => {
  it('builds login links that come back to where the person was', () => {
    expect(paths.login.getHref('/alerts?page=2')).toBe('/login?next=%2Falerts%3Fpage%3D2');
    expect(paths.login.getHref('/')).toBe('/login');
    expect(paths.login.getHref()).toBe('/login');
  });

  it('builds detail and paged links', () => {
    expect(paths.products.detail.getHref(12)).toBe('/products/12');
    expect(paths.alerts.getHref(3)).toBe('/alerts?page=3');
    expect(paths.alerts.getHref(1)).toBe('/alerts');
    expect(paths.alerts.detail.getHref(42)).toBe('/alerts/42');
    expect(paths.findings.detail.getHref(7)).toBe('/findings/7');
    expect(paths.findings.detail.getHref(7, 12)).toBe('/findings/7#note-12');
    expect(paths.tests.detail.getHref(5)).toBe('/tests/5');
  });
});
