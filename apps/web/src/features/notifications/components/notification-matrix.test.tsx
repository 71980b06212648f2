import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { createSelection } from '../utils/matrix';
import { NotificationMatrix } from './notification-matrix';

const record = {
  events: ['scan_added', 'product_added'],
  columns: ['alert', 'msteams'] as const,
  settings: { scan_added: ['msteams' as const] },
};

function render(columns: readonly ('alert' | 'msteams')[] = record.columns) {
  return renderToStaticMarkup(
    <NotificationMatrix
      caption="System notifications"
      events={record.events}
      columns={columns}
      selection={createSelection({ ...record, columns: [...columns] })}
      onChange={() => {}}
    />,
  );
}

describe('NotificationMatrix', () => {
  it('labels every cell "<event>: <channel>" and checks the selected ones', () => {
    const html = render();
    expect(html).toContain('aria-label="Scan Added: Microsoft Teams" checked=""');
    expect(html).toMatch(/aria-label="Scan Added: Alert"(?! checked)/);
    expect(html).toContain('aria-label="Product Added: Alert"');
    expect(html).toContain('A new product is created.');
    expect(html).toContain('aria-label="Select all: Microsoft Teams"');
  });

  it('shows only the columns it is given', () => {
    const html = render(['alert']);
    expect(html).not.toContain('Microsoft Teams');
  });

  it('explains an empty column list instead of showing an empty table', () => {
    expect(render([])).toContain('No notification channel is available here.');
  });
});

describe('NotificationMatrix with inherited cells', () => {
  it('shows an inherited cell checked, not editable, and says where it comes from', () => {
    const html = renderToStaticMarkup(
      <NotificationMatrix
        caption="Personal notifications"
        events={record.events}
        columns={['alert']}
        selection={createSelection({ ...record, columns: ['alert'] })}
        inherited={{ scan_added: { alert: 'from System settings' } }}
        onChange={() => {}}
      />,
    );
    expect(html).toMatch(/aria-label="Scan Added: Alert \(from System settings\)"[^>]* disabled=""[^>]* checked=""/);
    expect(html).toContain('from System settings</span>');
    // The other row stays editable and unchecked.
    expect(html).toMatch(/aria-label="Product Added: Alert"(?! checked)(?! disabled)/);
  });
});
