// The playground in a real browser (issue 16 item 4): builds dist/web, serves it, and
// drives it in headless Chromium (Debian's /usr/bin/chromium through playwright-core):
// the first build's output; an edit typed into the editor that patches a few bytes and
// changes the output; an error shown in place; its fix; a program that never ends,
// stopped by the time limit; the ELF view's disassembly and an edit patched in place.
// Screenshots are taken on every run; they replace docs/'s only with ZIRC_SCREENSHOTS=1
// (`ZIRC_SCREENSHOTS=1 npx vitest run test/web`), so a test run leaves the tree as it was.
// No Chromium is a failure, not a skip.

import * as fs from 'node:fs';
import type { Server } from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
// @ts-expect-error: plain ES modules of the build scripts, without types
import { buildWeb, WEB_DIST } from '../../scripts/build_web.mjs';
// @ts-expect-error: as above
import { serve } from '../../scripts/playground.mjs';

const CHROMIUM = '/usr/bin/chromium';
const docs = process.env.ZIRC_SCREENSHOTS === '1' ? path.join(import.meta.dirname, '..', '..', 'docs') : fs.mkdtempSync(path.join(os.tmpdir(), 'zirc-playground-shots-'));
let server: Server;
let browser: Browser;
let page: Page;
let url: string;

beforeAll(async () => {
  expect(fs.existsSync(CHROMIUM), `${CHROMIUM} (Debian's chromium) is needed`).toBe(true);
  await buildWeb();
  server = await serve(WEB_DIST, 0);
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (e) => console.error('page error:', e));
});

afterAll(async () => {
  await browser?.close();
  server?.close();
});

const updates = () => page.evaluate(() => Number(document.body.dataset.updates ?? 0));
const figure = (key: string) => page.locator(`#figures tr[data-figure=${key}] td`).innerText();

/** Selects the first `text` in the editor and types `replacement` over it with the keyboard. */
async function typeOver(text: string, replacement: string): Promise<void> {
  await selectText(text);
  await page.keyboard.type(replacement);
}

/** Selects the first `text` in the editor and focuses it. */
async function selectText(text: string): Promise<void> {
  await page.evaluate((t) => {
    const view = (window as never as { __playground: { editor: import('@codemirror/view').EditorView } }).__playground.editor;
    const from = view.state.doc.toString().indexOf(t);
    if (from < 0) throw new Error(`not in the editor: ${t}`);
    view.dispatch({ selection: { anchor: from, head: from + t.length } });
    view.focus();
  }, text);
}

async function nextUpdate(before: number): Promise<void> {
  await page.waitForFunction((n) => Number(document.body.dataset.updates ?? 0) > n && !document.getElementById('status')!.textContent!.includes('compiling'), before);
}

describe('the playground in Chromium', () => {
  test('first build, an edit patched in place, an error in place, its fix, and the ELF', async () => {
    await page.goto(url);
    await expect.poll(() => page.locator('#stdout').innerText(), { timeout: 20000 }).toBe('Hello from zirc!\n');
    expect(await page.locator('#exit').innerText()).toBe('exit status 0');
    expect(await figure('parsed')).toBe('17');
    expect(await page.locator('#picture .region').count()).toBeGreaterThan(5);

    // An edit to the greeting: one decl parsed, the greeting and the function using it
    // analyzed, a few bytes patched out of some 70 kB, and the new output.
    let before = await updates();
    await typeOver('Hello', 'Howdy');
    await nextUpdate(before);
    await expect.poll(() => page.locator('#stdout').innerText()).toBe('Howdy from zirc!\n');
    expect(await figure('parsed')).toBe('1');
    expect(await figure('analyzed')).toBe('2');
    expect(await figure('generated')).toBe('1');
    const patched = /^(\d+) of (\d+)/.exec(await figure('patched'))!;
    expect(Number(patched[1])).toBeGreaterThan(0);
    expect(Number(patched[1])).toBeLessThan(64);
    expect(Number(patched[2])).toBeGreaterThan(10000);
    expect(await page.locator('#picture .patch').count()).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(docs, 'playground-wasm.png') });

    // An error: a reference to a decl that does not exist, marked where it is.
    before = await updates();
    await typeOver('as(@u32, @zero)', 'as(@u32, @nope)');
    await nextUpdate(before);
    const marked = page.locator('.cm-lintRange-error');
    await expect.poll(() => marked.count()).toBe(1);
    expect(await marked.innerText()).toBe('@nope');
    expect(await page.locator('#status').innerText()).toContain('1 error');
    await marked.hover();
    await expect.poll(() => page.locator('.cm-tooltip-lint').innerText().catch(() => '')).toContain("decl 'nope' not found");

    // Its fix: the error goes and the program runs again.
    before = await updates();
    await typeOver('as(@u32, @nope)', 'as(@u32, @zero)');
    await nextUpdate(before);
    await expect.poll(() => marked.count()).toBe(0);
    expect(await page.locator('#stdout').innerText()).toBe('Howdy from zirc!\n');
    expect(await page.locator('#exit').innerText()).toBe('exit status 0');

    // A program that never ends: its run worker is stopped after the time limit.
    const tail = '%status = as(@u32, @zero)\n  %bye = call(@proc_exit, [%status])';
    const spin = '%spin = loop({\n    %round = block({\n      %again = breakvoid("round")\n    })\n  })';
    before = await updates();
    await selectText(tail);
    await page.keyboard.insertText(spin);
    await nextUpdate(before);
    await expect.poll(() => page.locator('#exit').innerText(), { timeout: 10000 }).toMatch(/^stopped after \d+ ms$/);
    before = await updates();
    await selectText(spin);
    await page.keyboard.insertText(tail);
    await nextUpdate(before);
    await expect.poll(() => page.locator('#exit').innerText()).toBe('exit status 0');

    // The ELF of the same program: built in the browser and disassembled.
    before = await updates();
    await page.locator('input[value=x86_64-linux]').check();
    await nextUpdate(before);
    const entry = page.locator('#disassembly .function', { hasText: 'entry' });
    await expect.poll(() => entry.count()).toBeGreaterThan(0);
    expect(await entry.first().locator('pre').innerText()).toMatch(/\bsyscall\b|\bcall\b|\bmov/);

    // An edit to the ELF: patched in place too, a few hundred bytes of some 160 kB.
    before = await updates();
    await typeOver('Howdy', 'Hi ya');
    await nextUpdate(before);
    const elfPatched = /^(\d+) of (\d+)/.exec(await figure('patched'))!;
    expect(Number(elfPatched[1])).toBeGreaterThan(0);
    expect(Number(elfPatched[1])).toBeLessThan(512); // the greeting, the function that uses it, the headers it touches
    expect(Number(elfPatched[2])).toBeGreaterThan(10000);
    expect(await page.locator('#picture .patch').count()).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(docs, 'playground-elf.png') });
  });
});
