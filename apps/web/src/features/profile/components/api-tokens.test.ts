import { describe, expect, it } from 'vitest';
import { buildCurlExample } from './api-tokens';

describe('buildCurlExample', () => {
  it('posts an event to this site with the new key', () => {
    expect(buildCurlExample('https://tocsin.example', 'tcs_abc')).toBe(
      `curl -X POST https://tocsin.example/api/events -H "Authorization: Token tcs_abc" -H "Content-Type: application/json" -d '{"event":"scan_added","title":"...","product_id":1}'`,
    );
  });
});
