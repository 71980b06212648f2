import { ICON_NAMES } from '@tocsin/contract/catalogue';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { getIconLabel, Icon, isIconName } from './icon';

describe('Icon', () => {
  it('has a shape and a spoken name for every icon an alert may carry', () => {
    for (const name of ICON_NAMES) {
      expect(isIconName(name)).toBe(true);
      expect(getIconLabel(name)).not.toBe('');
    }
  });

  it('shows the bell for unknown names, and never trusts inherited keys', () => {
    expect(getIconLabel('no-such-icon')).toBe('Notification');
    expect(isIconName('toString')).toBe(false);
    expect(renderToStaticMarkup(<Icon name="__proto__" />)).toContain('aria-label="Notification"');
  });

  it('is an image with a name, or hidden when decorative', () => {
    const named = renderToStaticMarkup(<Icon name="scan" />);
    expect(named).toMatch(/^<span role="img" aria-label="Scan"/);
    expect(named).toContain('<svg');
    expect(renderToStaticMarkup(<Icon name="scan" label="Scan Added" />)).toContain('aria-label="Scan Added"');
    const decorative = renderToStaticMarkup(<Icon name="bell" isDecorative />);
    expect(decorative).toMatch(/^<span class="icon" aria-hidden="true">/);
    expect(decorative).not.toContain('role="img"');
  });
});
