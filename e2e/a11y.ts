/**
 * Axe checks for the Playwright suite: a page in a given state must have no serious or critical
 * violation. Beyond axe's defaults (WCAG 2.0–2.2 A/AA and best practices), the experimental
 * label-content-name-mismatch rule runs too: a control's accessible name must contain its visible text.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

const SERIOUS = new Set(['serious', 'critical']);

export async function expectNoSeriousA11yViolations(page: Page, state: string) {
  const results = await new AxeBuilder({ page }).options({ rules: { 'label-content-name-mismatch': { enabled: true } } }).analyze();
  const serious = results.violations.filter((v) => SERIOUS.has(v.impact ?? ''));
  const report = serious
    .map(
      (v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(' ')}: ${n.failureSummary ?? ''}`).join('\n')}`,
    )
    .join('\n');
  expect(serious, `${state}: serious or critical accessibility violations\n${report}`).toEqual([]);
}
