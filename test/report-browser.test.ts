/**
 * The Step 5 report in a real headless browser (Chromium over the DevTools
 * protocol): it loads with no console error, fetches nothing, and the
 * calendar and the quality chart are drawn (non-empty boxes). Skipped, saying
 * why, where no Chromium is installed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, findChromium, visit } from './support/cdp.ts';
import { runScript, troubledSeason, type SmallWarehouse } from './support/small-warehouse.ts';

const chromium = findChromium();
if (!chromium.path) console.warn(`report-browser: skipped: ${(chromium as { why: string }).why}`);

describe.skipIf(!chromium.path)(`the report in headless Chromium${chromium.path ? '' : ' (skipped: no chromium installed)'}`, () => {
  let sw: SmallWarehouse;
  let browser: Browser;
  let html: string;
  beforeAll(async () => {
    sw = await troubledSeason();
    const dir = path.join(sw.dir, 'reports');
    const r = runScript('05-final', ['--answer', '5.5=accept', '--report-dir', dir], sw);
    expect(r.code, r.stderr).toBe(0);
    html = path.join(dir, 'backfill-2024-11-29.html');
    browser = await Browser.launch(chromium.path!);
  });
  afterAll(async () => {
    await browser?.close();
    fs.rmSync(sw.dir, { recursive: true, force: true });
  });

  it('loads with no console error, makes no request, and shows the calendar and the quality chart', async () => {
    const v = await visit(browser, html, ['table.cal', 'svg.quality', 'svg.quality rect']);
    if (process.env.RUNBOOK_SCREENSHOT) fs.writeFileSync(process.env.RUNBOOK_SCREENSHOT, v.screenshot);
    expect(v.consoleErrors).toEqual([]);
    expect(v.requests).toEqual([]);
    for (const sel of ['table.cal', 'svg.quality', 'svg.quality rect']) {
      expect(v.boxes[sel].count, sel).toBeGreaterThan(0);
      expect(v.boxes[sel].width, sel).toBeGreaterThan(0);
      expect(v.boxes[sel].height, sel).toBeGreaterThan(0);
    }
    // A PNG came back: the page rendered.
    expect(v.screenshot.subarray(1, 4).toString()).toBe('PNG');
  });

  it('a page that does fetch something is caught (the check can fail)', async () => {
    const bad = path.join(sw.dir, 'bad.html');
    fs.writeFileSync(bad, '<!DOCTYPE html><html><body><img src="http://127.0.0.1:9/x.png"><script>console.error("boom")</script></body></html>');
    const v = await visit(browser, bad, ['img']);
    expect(v.requests).toEqual(['http://127.0.0.1:9/x.png']);
    expect(v.consoleErrors.join(' ')).toContain('boom');
  });
});
