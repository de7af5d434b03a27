// axe-core run on what the administrator sees: a page, or a dialog open over it. Critical and serious
// violations fail the test; each one is named with the elements it was found on.
import { appendFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

const BLOCKING = new Set(['critical', 'serious']);

export async function expectAccessible(page: Page, screen: string): Promise<void> {
  // Animations settle first: a dialog fading in is measured against a half-transparent backdrop.
  await page.waitForTimeout(400);
  const { violations } = await new AxeBuilder({ page }).analyze();
  const blocking = violations.filter((violation) => BLOCKING.has(violation.impact ?? ''));
  const count = (impact: string) =>
    blocking.filter((v) => v.impact === impact).reduce((sum, v) => sum + v.nodes.length, 0);
  // AXE_REPORT names a file that collects the figures per screen (docs of the before/after counts).
  if (process.env.AXE_REPORT) {
    const width = page.viewportSize()?.width;
    appendFileSync(
      process.env.AXE_REPORT,
      `${screen} @${width}: critical ${count('critical')}, serious ${count('serious')} [${blocking
        .map((v) => `${v.id}×${v.nodes.length}`)
        .join(' ')}]\n`,
    );
  }
  const described = blocking.map(
    (violation) =>
      `${violation.impact} ${violation.id}: ${violation.help}\n    ${violation.nodes
        .slice(0, 5)
        .map((node) => node.target.join(' '))
        .join('\n    ')}`,
  );
  expect.soft(described, `axe-core on ${screen}`).toEqual([]);
}
