'use strict';
/* a11y.test.js - axe-core in every page of the site a visitor, a signed-in
 * participant, a moderator and an administrator can reach, in French and
 * in English; a page fails on any serious or critical violation.
 *
 * The pages are found by crawling: seeds (the home page, every theme, the
 * forms and the pages of the navigation) and then every same-site link of
 * each page visited, one page per path (query strings aside, except a few
 * kept on purpose: a sort order, a search, a theme filter). Pages that
 * answer 404 are skipped (features not in the build yet) except one, on
 * purpose, for the error page. Forms are also checked in their error
 * state (sent empty), since error messages are where accessibility most
 * often breaks. Each page is its own subtest, named "LANG ROLE PATH".
 *
 * Also here: two controls showing that the harness can fail (axe finds a
 * missing alt; the focus check finds an invisible focus). */

const assert = require('node:assert/strict');
const { test, before, after } = require('node:test');
const site = require('./lib/site');

/* Never followed: not HTML pages, or with side effects. */
const EXCLUDE = [
  /^\/api\//, /^\/checkpoint/, /^\/tile\//, /^\/static\//, /^\/metrics/, /^\/healthz/,
  /^\/deconnexion/, /^\/compte\/donnees/, /^\/documents\/.+/, /^\/donnees\/.+\.(csv|jsonl|json|zip|tar)/,
];
const MAX_PAGES = 80;

let browser;
before(async () => {
  browser = await site.launch();
});
after(async () => {
  if (browser) await browser.close();
});

/* The key a page is known by in the crawl: path, plus the few query
 * parameters that change the template. */
function pageKey(u) {
  const url = new URL(u, site.BASE);
  const keep = ['sort', 'q', 'theme'].filter((k) => url.searchParams.has(k)).map((k) => `${k}=${k === 'sort' ? url.searchParams.get(k) : '*'}`);
  return url.pathname + (keep.length ? `?${keep.join('&')}` : '');
}

/* The template a page is drawn from: ids collapsed. The crawl checks two
 * pages of each template (one of each query variant): the markup is the
 * same, and 15 sections x 4 orders would take minutes for nothing. */
function templateKey(u) {
  return pageKey(u).replace(/\/(themes|sections|contributions|participants|rencontres|documents)\/[^/?]+/, '/$1/ID');
}

async function loginIn(ctx, username, password) {
  const p = await ctx.newPage();
  await p.goto('/connexion');
  await p.locator('input[name="identifiant"]').fill(username);
  await p.locator('input[name="mot_de_passe"]').fill(password);
  await Promise.all([p.waitForNavigation(), p.locator('main form button[type="submit"]').click()]);
  assert.equal(new URL(p.url()).pathname, '/compte', `${username} could not log in`);
  await p.close();
}

/* Crawls from seeds as role in lang, one subtest per page; follows the
 * links whose path matches follow. */
async function crawl(t, { lang, role, seeds, login, errorForms = false, follow = /^\// }) {
  const ctx = await site.newContext(browser, { lang, axe: true });
  try {
    if (login) await loginIn(ctx, login.username, login.password);
    const page = await ctx.newPage();
    const seen = new Set();
    const templates = new Map();
    const queue = [...seeds];
    let visited = 0;
    while (queue.length && visited < MAX_PAGES) {
      const target = queue.shift();
      const key = pageKey(target);
      if (seen.has(key)) continue;
      seen.add(key);
      const tk = templateKey(target);
      const per = tk.includes('?') ? 1 : tk.startsWith('/contributions/') ? 3 : 2;
      if ((templates.get(tk) || 0) >= per) continue;
      templates.set(tk, (templates.get(tk) || 0) + 1);
      const path = new URL(target, site.BASE).pathname;
      if (EXCLUDE.some((re) => re.test(path))) continue;
      if (login && /^\/(inscription|connexion|mot-de-passe-oublie|reinitialiser|confirmer)/.test(path)) continue;
      /* only HTML pages: open-data files, documents and the like are not */
      const head = await fetch(site.BASE + target, { method: 'HEAD', redirect: 'manual' });
      const type = head.headers.get('content-type') || '';
      if (head.status === 200 && !type.startsWith('text/html')) continue;
      visited++;
      await t.test(`${lang} ${role} ${target}`, async (st) => {
        const res = await page.goto(target);
        const status = res ? res.status() : 0;
        if (status === 404 && target !== NOT_FOUND) return st.skip('answers 404 (not in this build)');
        assert.ok(status < 500, `${target} answered ${status}`);
        const htmlLang = await page.locator('html').getAttribute('lang');
        if (!/^\/faq/.test(path)) assert.equal(htmlLang, lang, `${target}: <html lang> is ${htmlLang}, not ${lang}`);
        await site.assertAccessible(page, `${lang} ${role} ${target}`);
        for (const href of await page.locator('a[href]').evaluateAll((as) => as.map((a) => a.href))) {
          const u = new URL(href);
          if (u.origin !== new URL(site.BASE).origin) continue;
          u.searchParams.delete('lang');
          u.searchParams.delete('seed');
          u.hash = '';
          if (follow.test(u.pathname) && !seen.has(pageKey(u.href))) queue.push(u.pathname + u.search);
        }
        /* the form sent empty: the error state */
        if (errorForms && status === 200) {
          const form = page.locator('main form[method="post"]').first();
          if (await form.count()) {
            const submit = form.locator('button[type="submit"]').first();
            if (await submit.count()) {
              await Promise.all([page.waitForNavigation(), submit.click()]);
              await site.assertAccessible(page, `${lang} ${role} ${target} (form sent empty)`);
            }
          }
        }
      });
    }
  } finally {
    await ctx.close();
  }
}

const NOT_FOUND = '/page-qui-n-existe-pas';
const PUBLIC_SEEDS = [
  NOT_FOUND, '/', '/corbeille', '/corbeille?theme=3', '/rapport', '/documents', '/rencontres', '/donnees-ouvertes',
  '/charte', '/faq', '/contact',
];
const FORM_SEEDS = ['/inscription', '/connexion', '/mot-de-passe-oublie'];

async function text(path) {
  return (await fetch(site.BASE + path)).text();
}

/* Themes (their three tabs), a section with a search and a sort order,
 * contributions (the crawl reaches few from sections: most demo sections
 * are empty), and the trashed one the bin lists. */
async function themeSeeds() {
  const home = await text('/');
  const ids = [...home.matchAll(/aria-labelledby="theme-(\d+)"/g)].map((m) => Number(m[1]));
  assert.ok(ids.length > 0, 'no theme on the home page');
  const seeds = [];
  const contributions = new Set();
  for (const id of ids) {
    seeds.push(`/themes/${id}`, `/themes/${id}/synthese`, `/themes/${id}/recommandations`);
    for (const s of (await text(`/themes/${id}`)).matchAll(/href="(\/sections\/\d+)"/g)) {
      for (const c of (await text(s[1])).matchAll(/href="(\/contributions\/\d+)"/g)) contributions.add(c[1]);
    }
  }
  const theme = await text(`/themes/${ids[0]}`);
  const section = /href="(\/sections\/\d+)"/.exec(theme);
  if (section) seeds.push(`${section[1]}?q=numérique`, `${section[1]}?sort=votes`);
  seeds.push(...[...contributions].slice(0, 2));
  const trashed = /Contribution (\d+)/.exec(await text('/corbeille'));
  if (trashed) seeds.push(`/contributions/${trashed[1]}`);
  return seeds;
}

/* The links of the reset and confirmation mails, for their forms. */
async function mailedFormSeeds(lang) {
  const seeds = [];
  const email = `${site.unique(`a11y-${lang}-`)}@example.org`;
  /* a registration through the form, for the confirmation link */
  const ctx = await site.newContext(browser, { lang });
  try {
    const p = await ctx.newPage();
    await p.goto('/inscription');
    await p.locator('input[name="identifiant"]').fill(email.split('@')[0]);
    await p.locator('input[name="courriel"]').fill(email);
    await p.locator('input[name="mot_de_passe"]').fill('a11y-password-123');
    await p.locator('input[name="statut"]').first().check();
    await p.locator('input[name="charte"]').check();
    await Promise.all([p.waitForNavigation(), p.locator('main form button[type="submit"]').click()]);
    seeds.push(await site.mailedLink(email, '/confirmer'));
    /* a reset request for a demo account */
    await p.goto('/mot-de-passe-oublie');
    await p.locator('input[name="courriel"]').fill('lucas@example.net');
    await Promise.all([p.waitForNavigation(), p.locator('main form button[type="submit"]').click()]);
    seeds.push(await site.mailedLink('lucas@example.net', '/reinitialiser'));
  } finally {
    await ctx.close();
  }
  return seeds;
}

for (const lang of ['fr', 'en']) {
  test(`axe-core: public pages (${lang}), visitor`, async (t) => {
    await crawl(t, { lang, role: 'visitor', seeds: [...PUBLIC_SEEDS, ...(await themeSeeds())] });
  });

  test(`axe-core: account forms (${lang}), visitor, also sent empty`, async (t) => {
    await crawl(t, { lang, role: 'forms', seeds: [...FORM_SEEDS, ...(await mailedFormSeeds(lang))], errorForms: true, follow: /^$/ });
  });

  test(`axe-core: signed-in participant (${lang})`, async (t) => {
    /* the pages that change for a signed-in participant: account, and the
     * participation forms of sections and contributions */
    const seeds = ['/', '/compte', '/compte/supprimer', '/contact', ...(await themeSeeds()).filter((s) => !/synthese|recommandations/.test(s))];
    await crawl(t, { lang, role: 'participant', seeds, login: { username: 'edutech', password: site.DEMO_PASSWORD }, follow: /^\/(compte|sections|contributions|contribuer|argumenter|voter|signaler|commenter|ajouter-source|modifier)/ });
  });

  test(`axe-core: moderator (${lang})`, async (t) => {
    await crawl(t, { lang, role: 'moderator', seeds: ['/moderation'], login: { username: 'moderation', password: site.DEMO_PASSWORD }, follow: /^\/moderation/ });
  });

  test(`axe-core: administrator (${lang})`, async (t) => {
    await crawl(t, { lang, role: 'admin', seeds: ['/admin'], login: { username: 'admin', password: site.ADMIN_PASSWORD }, follow: /^\/admin/ });
  });
}

/* ---- controls: the checks can fail ---------------------------------------------- */

test('control: axe-core reports a serious violation when there is one', async () => {
  const ctx = await site.newContext(browser, { axe: true });
  try {
    const p = await ctx.newPage();
    await p.setContent('<!DOCTYPE html><html lang="fr"><title>t</title><main><img src="x.png"></main></html>');
    const v = await site.axeViolations(p);
    assert.ok(v.some((x) => x.rule === 'image-alt'), 'axe-core did not report an image without alt');
  } finally {
    await ctx.close();
  }
});

test('control: the focus check fails on an invisible focus', async () => {
  const ctx = await site.newContext(browser, {});
  try {
    const p = await ctx.newPage();
    await p.setContent('<!DOCTYPE html><html lang="fr"><title>t</title><style>button{outline:none}</style><main><button>a</button></main></html>');
    await assert.rejects(site.tabTo(p, p.locator('button')), /focus is not visible/);
  } finally {
    await ctx.close();
  }
});
