// End to end in headless Chromium: the demo store served by the Worker in workerd, the one
// script tag, the widget opened, an answered question and a handoff that reaches the inbox.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { chat, ROOT, startReceiver, startWorker } from './harness.mjs';

const require = createRequire(import.meta.url);
const { chromium } = require(path.join(ROOT, 'node_modules/playwright-core'));

const CHROMIUM = process.env.FERRY_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('widget in Chromium against the Worker', () => {
  let receiver;
  let worker;
  let context;
  let profile;
  const pageErrors = [];

  before(async () => {
    receiver = await startReceiver();
    worker = await startWorker({ webhookUrl: receiver.url });
    profile = mkdtempSync(path.join(os.tmpdir(), 'ferry-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, viewport: { width: 1280, height: 860 },
      locale: 'en-US', timezoneId: 'Europe/Berlin',
    });
  });
  after(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await worker?.stop();
    await receiver?.close();
  });

  test('open the store, open the widget, get an answer and a handoff', async () => {
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const wasmRequests = [];
    page.on('request', (r) => { if (r.url().endsWith('.wasm')) wasmRequests.push(r.url()); });

    await page.goto(`${worker.base}/`);
    const launcher = page.locator('.ferry-launcher');
    await launcher.waitFor({ state: 'visible', timeout: 15000 });
    assert.equal(wasmRequests.length, 0, 'the wasm module loads only when the shopper opens the chat');

    await launcher.click();
    const input = page.locator('.ferry-input');
    await input.waitFor({ state: 'visible', timeout: 20000 });
    assert.equal(wasmRequests.length, 1, 'opening the chat loads the wasm module once');

    // The answer the Worker gives this question, asked directly (another conversation).
    const question = 'how long does shipping to Germany take?';
    const direct = await chat(worker.base, { text: question, locale: 'en-US' });
    assert.equal(direct.json.reply.kind, 'answer');

    await input.fill(question);
    await input.press('Enter');
    await page.locator('.ferry-msg.ferry-shopper', { hasText: question }).waitFor({ timeout: 10000 });
    const answer = page.locator('.ferry-msg.ferry-bot', { hasText: direct.json.reply.text.slice(0, 40) });
    await answer.waitFor({ timeout: 15000 });
    assert.equal((await answer.first().textContent()).includes(direct.json.reply.text), true);

    // Something no rule covers goes to a person.
    const wholesale = 'Could we stock your linen shirts in our shop in Porto? We would need 300 pieces.';
    await input.fill(wholesale);
    await page.locator('.ferry-send').click();
    const handoff = page.locator('.ferry-handoff');
    await handoff.waitFor({ timeout: 15000 });
    const ticket = (await page.locator('.ferry-ticket').last().textContent()).match(/FRY-[2-9A-Z]{8}/)?.[0];
    assert.ok(ticket, 'the handoff shows its ticket id');

    const hit = await receiver.waitFor((r) => r.body?.ticket === ticket, 20000);
    assert.equal(hit.body.question, wholesale);
    assert.equal(hit.body.language.code, 'en');
    assert.ok(hit.body.language.confidence > 0);
    assert.ok(['low', 'normal', 'high', 'urgent'].includes(hit.body.urgency.level));
    assert.equal(hit.body.locale, 'en-US');
    assert.equal(hit.body.time_zone, 'Europe/Berlin');
    assert.equal(hit.body.page_url, `${worker.base}/`);

    mkdirSync(path.join(ROOT, 'target'), { recursive: true });
    await page.screenshot({ path: path.join(ROOT, 'target/e2e-widget-open.png') });
    assert.deepEqual(pageErrors, []);
    await page.close();
  });

  test('shopper text is rendered as text, never as HTML', async () => {
    const page = await context.newPage();
    await page.goto(`${worker.base}/`);
    await page.locator('.ferry-launcher').click();
    const input = page.locator('.ferry-input');
    await input.waitFor({ state: 'visible', timeout: 20000 });
    const payload = '<img src=x onerror="window.__xss=1"><b>bold</b>';
    const botsBefore = await page.locator('.ferry-msg.ferry-bot').count();
    await input.fill(payload);
    await input.press('Enter');
    const bubble = page.locator('.ferry-msg.ferry-shopper').last();
    await bubble.waitFor({ timeout: 10000 });
    assert.equal(await bubble.textContent(), payload);
    assert.equal(await bubble.locator('img, b').count(), 0);
    // Wait for the reply, so anything the reply might have injected has had its chance to run.
    await page.locator('.ferry-msg.ferry-bot').nth(botsBefore).waitFor({ timeout: 15000 });
    assert.equal(await page.evaluate(() => window.__xss), undefined);
    await page.close();
  });
});
