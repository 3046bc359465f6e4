/**
 * The web chat in a real headless Chromium (Debian package `chromium`) driven by playwright-core,
 * at 1280 and 390 px wide: the whole latest answer shows above the composer after every turn, one
 * sources list whose links open the document page with the cited place highlighted (no server
 * path anywhere), a typing indicator while waiting, Enter to send and focus back in the input,
 * chat commands and a follow-up in the same session. Under CI (CI=true) a missing Chromium fails
 * the test; locally it is skipped with a message.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureKnowledge, startHarness, tempDir, type Harness } from '../server/harness.js';
import { fixtureAssistant } from '../server/real-assistant.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = fs.existsSync(CHROMIUM);
const inCi = process.env.CI === 'true';

if (!available && !inCi) {
  // eslint-disable-next-line no-console -- a skipped test must say why
  console.warn(`[browser] skipped: ${CHROMIUM} not found (apt-get install -y chromium)`);
}

/** Where the latest bot answer sits against the conversation viewport and the composer. */
async function latestAnswerBox(page: Page): Promise<{ top: number; bottom: number; logTop: number; composerTop: number; height: number }> {
  return page.evaluate(() => {
    const answers = document.querySelectorAll('.msg.bot:not(.typing)');
    const last = answers[answers.length - 1]!.getBoundingClientRect();
    const log = document.getElementById('log')!.getBoundingClientRect();
    const composer = document.querySelector('.composer')!.getBoundingClientRect();
    return { top: last.top, bottom: last.bottom, logTop: log.top, composerTop: composer.top, height: last.height };
  });
}

async function send(page: Page, text: string): Promise<void> {
  const before = await page.locator('.msg.bot:not(.typing)').count();
  await page.fill('#question', text);
  await page.press('#question', 'Enter');
  await page.locator('.msg.bot:not(.typing)').nth(before).waitFor();
  await page.waitForFunction(() => !document.querySelector('.typing'));
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
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
    it(`at ${viewport.width} px: every answer fully visible above the input, one sources list linking to the cited place`, { timeout: 60_000 }, async () => {
      const page = await browser.newPage();
      await page.setViewportSize(viewport);
      const violations: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
      });
      await page.goto(`${h.url}/`);
      await expect(page.title()).resolves.toContain('Trợ lý ảo');
      expect(await page.locator('[data-example]').count()).toBeGreaterThanOrEqual(3);
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('question');

      // The typing indicator shows while the answer is on its way (the API is held back a little).
      await page.route('**/api/ask', async (route) => {
        await new Promise((r) => setTimeout(r, 300));
        await route.continue();
      });
      await page.fill('#question', 'Ai chủ trì làm sạch dữ liệu hộ tịch?');
      await page.press('#question', 'Enter');
      await page.locator('.typing[role="status"]').waitFor();
      await page.waitForFunction(() => !document.querySelector('.typing'));
      await page.unroute('**/api/ask');

      // Fill the conversation so it scrolls, then check the latest answer after each turn.
      for (const q of ['Ai chủ trì nâng cấp Cổng dịch vụ công?', 'Thời hạn hoàn thành khi nào?', 'lam giay khai sinh can giay to gi', 'Ai chủ trì làm sạch dữ liệu hộ tịch?']) {
        await send(page, q);
        const box = await latestAnswerBox(page);
        expect(box.height).toBeLessThan(box.composerTop - box.logTop);
        expect(box.top, q).toBeGreaterThanOrEqual(box.logTop - 1);
        expect(box.bottom, q).toBeLessThanOrEqual(box.composerTop + 1);
        expect(await page.evaluate(() => document.activeElement?.id)).toBe('question');
      }
      const answer = page.locator('.msg.bot:not(.typing)').last();
      expect(await answer.innerText()).toContain('Sở Tư pháp');
      // One sources list, no "Nguồn:" line repeated in the text, no server path.
      expect(await answer.locator('.sources').count()).toBe(1);
      expect(await answer.locator('.body').innerText()).not.toMatch(/Nguồn:/);
      const sourcesText = await answer.locator('.sources').innerText();
      expect(sourcesText).toMatch(/Kế hoạch 27\/KH-UBND/);
      expect(sourcesText).not.toMatch(/\.txt|\.md|knowledge\//);
      expect(await page.content()).not.toContain(fixtureKnowledge);
      const link = answer.locator('.sources a').first();
      const href = (await link.getAttribute('href'))!;
      expect(href).toMatch(/^\/documents\/kehoach-27-quangtri\.txt\?lines=\d+-\d+#L\d+$/);
      const [doc] = await Promise.all([browser.waitForEvent('page'), link.click()]);
      await doc.waitForLoadState();
      const cited = doc.locator('.block.cited').first();
      expect(await cited.innerText()).toMatch(/hộ tịch/);
      expect(await cited.isVisible()).toBe(true);
      expect(await doc.locator('dl').innerText()).toMatch(/27\/KH-UBND/);
      await doc.close();

      const session = await page.evaluate(() => localStorage.getItem('troly.session'));
      expect(session).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(violations).toEqual([]); // the CSP hashes match the inline script and style
      await page.close();
    });
  }

  it('follow-ups and chat commands work in the same session; the example buttons ask', { timeout: 60_000 }, async () => {
    const page = await browser.newPage();
    await page.goto(`${h.url}/`);
    await send(page, 'Ai chủ trì nâng cấp Cổng dịch vụ công?');
    await send(page, 'Thời hạn hoàn thành khi nào?');
    expect(await page.locator('.msg.bot:not(.typing)').last().innerText()).toContain('20/11/2024');
    await send(page, '/donvi Sở Tư pháp');
    await send(page, '/nhiemvu');
    expect(await page.locator('.msg.bot:not(.typing)').last().innerText()).toMatch(/hộ tịch/);
    const before = await page.locator('.msg.bot:not(.typing)').count();
    await page.locator('[data-example]').last().click();
    await page.locator('.msg.bot:not(.typing)').nth(before).waitFor();
    expect(await page.locator('.msg.user').last().innerText()).toBe('lam giay khai sinh can giay to gi');
    await page.close();
  });
});
