import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Markdown } from './markdown';

const render = (source: string) => renderToStaticMarkup(<Markdown>{source}</Markdown>);

describe('Markdown', () => {
  it('renders emphasis, lists and http links', () => {
    const html = render('**SQL injection** in [login](https://example.com/f/1)\n\n- one\n- two');
    expect(html).toContain('<strong>SQL injection</strong>');
    expect(html).toContain('href="https://example.com/f/1"');
    expect(html).toContain('rel="noopener noreferrer nofollow"');
    expect(html).toContain('<li>one</li>');
  });

  it('never lets raw HTML through as elements', () => {
    const html = render('<script>alert(1)</script>\n\n<img src=x onerror="alert(1)">\n\nhello <b onmouseover="x()">b</b>');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<b /i);
    // What remains is inert, escaped text: no tag carries an event handler.
    expect(html).not.toMatch(/<[^>]*\son[a-z]+=/i);
    expect(html).toContain('&lt;script&gt;');
  });

  it('drops javascript: and data: link targets', () => {
    const html = render('[click](javascript:alert(1)) [data](data:text/html,hi) [ok](/alerts)');
    expect(html).not.toMatch(/javascript:/i);
    expect(html).not.toMatch(/data:text/i);
    expect(html).toContain('href="/alerts"');
  });

  it('does not render markdown images', () => {
    const html = render('![tracker](https://evil.example/pixel.png)');
    expect(html).not.toMatch(/<img/i);
    expect(html).toContain('tracker');
  });
});
