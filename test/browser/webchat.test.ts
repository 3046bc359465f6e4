/**
 * The web chat in a real headless Chromium (Debian package `chromium`) driven by playwright-core:
 * open the page served by the real server, type a question, see the cited answer, ask a
 * follow-up in the same session. Under CI (CI=true) a missing Chromium fails the test; locally
 * it is skipped with a message.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, tempDir, type Harness } from '../server/harness.js';
import { fixtureAssistant } from '../server/real-assistant.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = fs.existsSync(CHROMIUM);
const inCi = process.env.CI === 'true';

if (!available && !inCi) {
  // eslint-disable-next-line no-console -- a skipped test must say why
  console.warn(`[browser] skipped: ${CHROMIUM} not found (apt-get install -y chromium)`);
}

describe.skipIf(!available && !inCi)('web chat in headless Chromium', () => {
  let h: Harness;
  let browser: BrowserContext;

  beforeAll(async () => {
    if (!available) throw new Error(`Chromium is required under CI but ${CHROMIUM} is missing: apt-get install -y chromium`);
    const { assistant, dataDir } = await fixtureAssistant();
    h = await startHarness({ assistant, dataDir, now: new Date('2024-11-10T02:00:00Z') });
    // A fresh profile directory; playwright passes it as --user-data-dir itself.
    browser = await chromium.launchPersistentContext(path.join(tempDir('troly-chromium-'), 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('asks a question and shows the answer with its citation, then a follow-up in the same session', async () => {
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    await page.goto(`${h.url}/`);
    await expect(page.title()).resolves.toContain('Trợ lý ảo');
    await page.fill('#question', 'Ai chủ trì làm sạch dữ liệu hộ tịch?');
    await page.click('#send');
    const answer = page.locator('.msg.bot').nth(1);
    await answer.waitFor();
    expect(await answer.innerText()).toContain('Sở Tư pháp');
    const citation = answer.locator('.citation').first();
    expect(await citation.innerText()).toMatch(/27\/KH-UBND.*kehoach-27-quangtri\.txt/s);

    await page.fill('#question', 'Ai chủ trì nâng cấp Cổng dịch vụ công?');
    await page.press('#question', 'Enter');
    await page.locator('.msg.bot').nth(2).waitFor();
    await page.fill('#question', 'Thời hạn hoàn thành khi nào?');
    await page.press('#question', 'Enter');
    const followUp = page.locator('.msg.bot').nth(3);
    await followUp.waitFor();
    expect(await followUp.innerText()).toContain('20/11/2024');
    const session = await page.evaluate(() => localStorage.getItem('troly.session'));
    expect(session).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(violations).toEqual([]); // the CSP hashes match the inline script and style
    await page.close();
  });
});
