/**
 * A small Chrome DevTools Protocol client over --remote-debugging-pipe (fds 3
 * and 4, NUL-separated JSON): no WebSocket needed (Node 20 has none built in)
 * and no port opened. Enough to load a page, watch its console and network,
 * measure elements and take a screenshot.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';

/** The installed Chromium, or null with the reason. */
export function findChromium(): { path: string } | { path: null; why: string } {
  for (const name of [process.env.CHROMIUM_PATH, 'chromium', 'chromium-browser', 'google-chrome']) {
    if (!name) continue;
    const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim()) return { path: r.stdout.trim() };
  }
  return { path: null, why: 'no chromium installed (Debian: apt-get install -y chromium; or set CHROMIUM_PATH)' };
}

type Message = { id?: number; method?: string; params?: Record<string, unknown>; result?: Record<string, unknown>; error?: { message: string }; sessionId?: string };

export class Browser {
  private nextId = 1;
  private pending = new Map<number, { resolve(v: Record<string, unknown>): void; reject(e: Error): void }>();
  private listeners: ((m: Message) => void)[] = [];
  private buffer = '';
  private readonly profile: string;

  private constructor(private readonly child: ChildProcess, profile: string) {
    this.profile = profile;
    const input = child.stdio[4] as Readable;
    input.setEncoding('utf8');
    input.on('data', (chunk: string) => {
      this.buffer += chunk;
      let end: number;
      while ((end = this.buffer.indexOf('\0')) >= 0) {
        const m = JSON.parse(this.buffer.slice(0, end)) as Message;
        this.buffer = this.buffer.slice(end + 1);
        if (m.id !== undefined && this.pending.has(m.id)) {
          const p = this.pending.get(m.id)!;
          this.pending.delete(m.id);
          if (m.error) p.reject(new Error(m.error.message)); else p.resolve(m.result ?? {});
        } else for (const l of this.listeners) l(m);
      }
    });
  }

  static async launch(executable: string): Promise<Browser> {
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-chromium-'));
    const child = spawn(executable, [
      '--headless', '--remote-debugging-pipe', '--no-sandbox', '--disable-gpu', '--no-first-run', '--no-default-browser-check',
      '--disable-extensions', '--disable-background-networking', '--disable-sync', '--disable-component-update',
      `--user-data-dir=${profile}`, 'about:blank',
    ], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
    child.stderr?.resume();
    return new Browser(child, profile);
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    const out = this.child.stdio[3] as Writable;
    out.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }

  on(fn: (m: Message) => void): void { this.listeners.push(fn); }

  waitFor(pred: (m: Message) => boolean, ms = 20_000): Promise<Message> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for a DevTools event')), ms);
      this.listeners.push((m) => { if (pred(m)) { clearTimeout(timer); resolve(m); } });
    });
  }

  async close(): Promise<void> {
    await this.send('Browser.close').catch(() => undefined);
    await new Promise<void>((resolve) => {
      if (this.child.exitCode !== null) return resolve();
      const t = setTimeout(() => { this.child.kill('SIGKILL'); resolve(); }, 5_000);
      this.child.on('exit', () => { clearTimeout(t); resolve(); });
    });
    fs.rmSync(this.profile, { recursive: true, force: true });
  }
}

export interface PageVisit {
  consoleErrors: string[];
  requests: string[];
  boxes: Record<string, { count: number; width: number; height: number }>;
  screenshot: Buffer;
}

/** Opens a file, waits for load, and reports console errors, requests beyond the page itself, and element boxes. */
export async function visit(browser: Browser, file: string, selectors: string[], viewport = { width: 1280, height: 900 }): Promise<PageVisit> {
  const { targetId } = await browser.send('Target.createTarget', { url: 'about:blank' }) as { targetId: string };
  const { sessionId } = await browser.send('Target.attachToTarget', { targetId, flatten: true }) as { sessionId: string };
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  const url = `file://${path.resolve(file)}`;
  browser.on((m) => {
    if (m.sessionId !== sessionId) return;
    const p = m.params ?? {};
    if (m.method === 'Runtime.consoleAPICalled' && p.type === 'error') consoleErrors.push(JSON.stringify(p.args));
    if (m.method === 'Runtime.exceptionThrown') consoleErrors.push(JSON.stringify(p.exceptionDetails));
    if (m.method === 'Log.entryAdded' && (p.entry as { level: string }).level === 'error') consoleErrors.push((p.entry as { text: string }).text);
    if (m.method === 'Network.requestWillBeSent') {
      const u = (p.request as { url: string }).url;
      if (u !== url) requests.push(u);
    }
  });
  for (const domain of ['Page', 'Runtime', 'Log', 'Network']) await browser.send(`${domain}.enable`, {}, sessionId);
  await browser.send('Emulation.setDeviceMetricsOverride', { ...viewport, deviceScaleFactor: 1, mobile: false }, sessionId);
  const loaded = browser.waitFor((m) => m.sessionId === sessionId && m.method === 'Page.loadEventFired');
  await browser.send('Page.navigate', { url }, sessionId);
  await loaded;
  const expr = `JSON.stringify(Object.fromEntries(${JSON.stringify(selectors)}.map((s) => {
    const els = [...document.querySelectorAll(s)];
    const r = els.map((e) => e.getBoundingClientRect());
    return [s, { count: els.length, width: Math.min(...r.map((x) => x.width)), height: Math.min(...r.map((x) => x.height)) }];
  })))`;
  const ev = await browser.send('Runtime.evaluate', { expression: expr, returnByValue: true }, sessionId) as { result: { value: string } };
  const shot = await browser.send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true }, sessionId) as { data: string };
  await browser.send('Target.closeTarget', { targetId });
  return { consoleErrors, requests, boxes: JSON.parse(ev.result.value), screenshot: Buffer.from(shot.data, 'base64') };
}
