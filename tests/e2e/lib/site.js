'use strict';
/* site.js - what every browser test of concerto shares: the running site
 * (its base URL and data dir, given by run.sh), Debian's Chromium driven by
 * playwright-core, the mail the server writes as .eml files, axe-core run
 * inside a page, and keyboard-only helpers.
 *
 * The browser is always /usr/bin/chromium (Debian's package), never one
 * downloaded by Playwright: this workplace has no network but the package
 * registries, and CI installs chromium with apt. playwright-core's launch()
 * gives each browser a fresh temporary user-data dir, and every test opens
 * its own context (cookies, storage), so no state leaks between users of a
 * journey or between tests.
 *
 * The site sends "Content-Security-Policy: default-src 'none'", which
 * rightly forbids the inline script that carries axe-core into the page;
 * contexts made for an accessibility check bypass CSP (bypassCSP), which
 * changes nothing else in the page. */

const fs = require('node:fs');
const path = require('node:path');
const assert = require('node:assert/strict');
const { chromium } = require('playwright-core');

const BASE = (process.env.CONCERTO_E2E_BASE_URL || '').replace(/\/$/, '');
const DATA = process.env.CONCERTO_E2E_DATA || '';
const ADMIN_PASSWORD = process.env.CONCERTO_ADMIN_PASSWORD || '';
const DEMO_PASSWORD = 'concerto-demo';
const ARTIFACTS = process.env.CONCERTO_E2E_ARTIFACTS || path.join(__dirname, '..', 'artifacts');
const CHROMIUM = process.env.CONCERTO_E2E_CHROMIUM || '/usr/bin/chromium';

if (!BASE || !DATA) {
  throw new Error('CONCERTO_E2E_BASE_URL and CONCERTO_E2E_DATA are not set: run the tests with tests/e2e/run.sh');
}

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

async function launch() {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/* A new context: lang 'fr' (the default) or 'en' (Accept-Language), js
 * false for the no-JavaScript run, axe true to allow axe-core in. */
async function newContext(browser, { lang = 'fr', js = true, axe = false } = {}) {
  const ctx = await browser.newContext({
    baseURL: BASE,
    locale: lang === 'en' ? 'en-GB' : 'fr-FR',
    extraHTTPHeaders: { 'Accept-Language': lang === 'en' ? 'en' : 'fr' },
    javaScriptEnabled: js,
    bypassCSP: axe,
    viewport: { width: 1280, height: 900 },
  });
  ctx.setDefaultTimeout(15000);
  ctx.setDefaultNavigationTimeout(20000);
  return ctx;
}

/* A unique suffix for usernames and addresses, so that the three journeys
 * (and reruns against one data dir) never collide. */
function unique(prefix) {
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
}

/* ---- mail ---------------------------------------------------------------- */

/* Quoted-printable (RFC 2045 6.7): soft line breaks "=\r\n" go, "=XX" is a
 * byte; the bytes are UTF-8. */
function decodeQuotedPrintable(s) {
  const soft = s.replace(/=\r?\n/g, '');
  const bytes = [];
  for (let i = 0; i < soft.length; i++) {
    const c = soft[i];
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(c, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/* Every message in DATA/mail as {file, headers, body} (body decoded). */
function readMails() {
  const dir = path.join(DATA, 'mail');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.endsWith('.eml')).sort().map((f) => {
    const raw = fs.readFileSync(path.join(dir, f), 'utf8');
    const split = raw.search(/\r?\n\r?\n/);
    const head = raw.slice(0, split).replace(/\r?\n[ \t]+/g, ' ');
    const headers = {};
    for (const line of head.split(/\r?\n/)) {
      const m = /^([^:]+):\s*(.*)$/.exec(line);
      if (m) headers[m[1].toLowerCase()] = m[2];
    }
    let body = raw.slice(split).replace(/^\r?\n\r?\n/, '');
    if (/quoted-printable/i.test(headers['content-transfer-encoding'] || '')) body = decodeQuotedPrintable(body);
    return { file: f, headers, body };
  });
}

/* The first link to pathPrefix in the newest message to `to`, waiting up
 * to 10 s for it (the server writes the file after answering). Returned as
 * a path + query, so the test follows it on the base URL it was given. */
async function mailedLink(to, pathPrefix) {
  const deadline = Date.now() + 10000;
  for (;;) {
    const mails = readMails().filter((m) => (m.headers.to || '').includes(to));
    for (const m of mails.reverse()) {
      for (const u of m.body.match(/https?:\/\/[^\s<>"]+/g) || []) {
        const url = new URL(u);
        if (url.pathname.startsWith(pathPrefix)) return url.pathname + url.search;
      }
    }
    if (Date.now() > deadline) {
      throw new Error(`no mail to ${to} with a link to ${pathPrefix} in ${path.join(DATA, 'mail')}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/* ---- axe-core -------------------------------------------------------------- */

const AXE_PATH = require.resolve('axe-core');

/* Runs axe-core in the page (its context must have been made with axe:
 * true) and returns the serious and critical violations, each as
 * {rule, impact, help, nodes: [selector...]}. */
async function axeViolations(page) {
  await page.addScriptTag({ path: AXE_PATH });
  const result = await page.evaluate(async () => {
    /* global axe */
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      rule: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5),
    }));
  });
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

function formatViolations(where, violations) {
  return violations
    .map((v) => `${where}: [${v.impact}] ${v.rule} - ${v.help} (${v.nodes.join(', ')})`)
    .join('\n');
}

/* Fails the test with every serious or critical violation of the page. */
async function assertAccessible(page, where) {
  const v = await axeViolations(page);
  assert.equal(v.length, 0, `axe-core found serious/critical violations:\n${formatViolations(where || page.url(), v)}`);
}

/* ---- keyboard ---------------------------------------------------------------- */

/* What the focused element looks like: enough to check that focus is
 * visible (an outline or a box-shadow, a box of some size inside the
 * viewport) and to recognise it. */
async function focusInfo(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return null;
    const cs = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    return {
      tag: el.tagName.toLowerCase(),
      text: (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 80),
      id: el.id,
      name: el.getAttribute('name'),
      outline: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0,
      shadow: cs.boxShadow && cs.boxShadow !== 'none',
      width: r.width,
      height: r.height,
      inViewport: r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth,
    };
  });
}

function assertFocusVisible(info, where) {
  assert.ok(info, `${where}: nothing has the focus`);
  const what = `${info.tag}${info.id ? '#' + info.id : ''} "${info.text}"`;
  assert.ok(info.outline || info.shadow, `${where}: focus is not visible on ${what} (no outline, no box-shadow)`);
  assert.ok(info.width > 0 && info.height > 0, `${where}: focused ${what} has no size`);
  assert.ok(info.inViewport, `${where}: focused ${what} is outside the viewport`);
}

/* Presses Tab (or Shift+Tab with back: true) until the element the locator
 * designates has the focus, checking at every stop that the focus is
 * visible. Fails when it is not reached in `max` presses: the element is
 * then not reachable by keyboard. For a radio, reaching its group is
 * enough. */
async function tabTo(page, locator, { max = 120, back = false, where = '' } = {}) {
  const handle = await locator.elementHandle();
  assert.ok(handle, `${where}: the element to reach does not exist`);
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const info = await focusInfo(page);
    if (info) assertFocusVisible(info, `${where || page.url()} (Tab ${i + 1})`);
    /* a radio group is one Tab stop: reaching any radio of the group
     * counts (the arrows choose within it) */
    const reached = await handle.evaluate((el) => {
      const a = document.activeElement;
      if (a === el) return true;
      return el.type === 'radio' && a && a.type === 'radio' && a.name === el.name && a.form === el.form;
    });
    if (reached) return;
  }
  throw new Error(`${where || page.url()}: not reachable with ${back ? 'Shift+Tab' : 'Tab'} in ${max} presses`);
}

/* Tab to a text field and type into it. */
async function keyType(page, locator, text, where) {
  await tabTo(page, locator, { where });
  await page.keyboard.type(text);
}

/* Tab to a button or link and press Enter, waiting for the navigation it
 * starts. */
async function keyActivate(page, locator, where, key = 'Enter') {
  await tabTo(page, locator, { where });
  await Promise.all([page.waitForNavigation(), page.keyboard.press(key)]);
}

/* Tab to a checkbox or radio and press Space. */
async function keyCheck(page, locator, where) {
  await tabTo(page, locator, { where });
  await page.keyboard.press('Space');
  assert.ok(await locator.isChecked(), `${where}: Space did not check the box`);
}

/* ---- misc ---------------------------------------------------------------------- */

async function screenshot(page, name) {
  try {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, `${name.replace(/[^a-z0-9-]+/gi, '_')}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  } catch {
    return null;
  }
}

module.exports = {
  BASE,
  DATA,
  ADMIN_PASSWORD,
  DEMO_PASSWORD,
  launch,
  newContext,
  unique,
  decodeQuotedPrintable,
  readMails,
  mailedLink,
  axeViolations,
  formatViolations,
  assertAccessible,
  focusInfo,
  assertFocusVisible,
  tabTo,
  keyType,
  keyActivate,
  keyCheck,
  screenshot,
};
