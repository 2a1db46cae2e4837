'use strict';
/* journey.js - the main journey of a participant, written once and run by
 * three drivers:
 *
 *   mouse     an ordinary browser: fill fields, click buttons and links;
 *   keyboard  keyboard events only: Tab / Shift+Tab to reach a control
 *             (focus checked visible and inside the viewport at every
 *             stop), Enter to follow a link or submit, Space to tick a box,
 *             arrows in radio groups and selects; never a mouse click;
 *   nojs      like mouse, in a context with javaScriptEnabled: false: the
 *             site promises to work without JavaScript.
 *
 * The journey: register -> confirm from the mailed link -> log in -> post a
 * contribution -> another participant argues and votes -> flag -> the
 * demo moderator moves it to the bin -> the bin shows it with its reason ->
 * the author deletes the account -> the contribution shows "anonyme".
 *
 * A step that needs one that failed is reported as skipped, naming it.
 *
 * Every page the journey reaches is checked with axe-core (not in the nojs
 * run: axe is JavaScript); the accessibility test (a11y.test.js) covers the
 * public pages in both languages. All texts matched are the French ones of
 * the catalogue (http/features/*.h): the journey runs in French. */

const assert = require('node:assert/strict');
const { describe, it, before, after } = require('node:test');
const site = require('./site');

const FR = {
  registerSubmit: 'Créer mon compte',
  registerSent: "Si ces informations sont valables, un message vient d'être envoyé",
  confirmSubmit: 'Activer mon compte',
  confirmed: 'Votre compte est activé',
  loginSubmit: 'Me connecter',
  accountTitle: 'Mon compte',
  deleteLink: 'Supprimer mon compte',
  deleteConfirm: 'Je confirme la suppression de mon compte.',
  deleteSubmit: 'Supprimer définitivement',
  deleted: 'Votre compte est supprimé.',
  loginFailed: 'Identifiant ou mot de passe incorrect.',
  postSubmit: 'Publier la contribution',
  argSubmit: "Publier l'argument",
  voteSubmit: 'Voter',
  flagSubmit: 'Envoyer le signalement',
  flagged: 'Vous avez signalé ce contenu',
  modTrash: 'Mettre à la corbeille',
  modDone: 'Décision enregistrée et publiée.',
  anonymous: 'anonyme',
  trashedNotice: 'Cette contribution a été placée dans la corbeille publique.',
  reasonOffTopic: 'hors-sujet',
};

/* ---- drivers ------------------------------------------------------------------ */

function mouseDriver() {
  return {
    name: 'mouse',
    async fill(page, loc, text) {
      await loc.fill(text);
    },
    async check(page, loc) {
      await loc.check();
    },
    async radio(page, loc) {
      await loc.check();
    },
    async select(page, loc, label) {
      await loc.selectOption({ label });
    },
    async open(page, summary) {
      await summary.click();
    },
    /* a button or link that navigates */
    async go(page, loc) {
      await Promise.all([page.waitForNavigation(), loc.click()]);
    },
  };
}

function keyboardDriver() {
  return {
    name: 'keyboard',
    async fill(page, loc, text) {
      await site.keyType(page, loc, text, `fill ${await describeEl(loc)}`);
    },
    async check(page, loc) {
      await site.keyCheck(page, loc, `check ${await describeEl(loc)}`);
    },
    /* Tab reaches a radio group once; arrows move the choice within it. */
    async radio(page, loc) {
      const where = `radio ${await describeEl(loc)}`;
      await site.tabTo(page, loc, { where });
      for (let i = 0; i < 12 && !(await loc.isChecked()); i++) {
        const onTarget = await loc.evaluate((el) => el === document.activeElement);
        await page.keyboard.press(onTarget ? 'Space' : 'ArrowDown');
        site.assertFocusVisible(await site.focusInfo(page), where);
      }
      assert.ok(await loc.isChecked(), `${where}: not chosen with the arrow keys`);
    },
    async select(page, loc, label) {
      const where = `select ${label}`;
      await site.tabTo(page, loc, { where });
      for (let i = 0; i < 20; i++) {
        const current = await loc.evaluate((el) => el.options[el.selectedIndex]?.text.trim());
        if (current === label) return;
        await page.keyboard.press('ArrowDown');
      }
      throw new Error(`${where}: option not reached with ArrowDown`);
    },
    async open(page, summary) {
      await site.tabTo(page, summary, { where: 'open details' });
      await page.keyboard.press('Enter');
    },
    async go(page, loc) {
      await site.keyActivate(page, loc, `activate ${await describeEl(loc)}`);
    },
  };
}

async function describeEl(loc) {
  try {
    return await loc.evaluate((el) => `${el.tagName.toLowerCase()}${el.name ? '[name=' + el.name + ']' : ''} "${(el.innerText || el.value || '').trim().slice(0, 40)}"`);
  } catch {
    return String(loc);
  }
}

const DRIVERS = { mouse: mouseDriver, keyboard: keyboardDriver, nojs: mouseDriver };

/* ---- the journey -------------------------------------------------------------------- */

/* Declares the journey's tests (node:test) for driver `mode`. */
function journey(mode) {
  const driver = DRIVERS[mode]();
  const js = mode !== 'nojs';
  const tag = { mouse: 'm', keyboard: 'k', nojs: 'n' }[mode];
  const author = {
    username: site.unique(`e2e-${tag}-`),
    password: 'e2e-password-1234',
  };
  author.email = `${author.username}@example.org`;
  const other = { username: 'camille', password: site.DEMO_PASSWORD };
  const moderator = { username: 'moderation', password: site.DEMO_PASSWORD };
  const title = `Une proposition de test (${mode}) n° ${Math.floor(Math.random() * 1e9)}`;
  const argText = `Un argument contre, écrit par un autre participant (${mode}).`;
  const authorArg = `Un argument pour, écrit par l'auteur avant de partir (${mode} ${Math.floor(Math.random() * 1e9)}).`;
  const modNote = `Hors du sujet de cette partie (test ${mode}).`;

  let browser;
  const ctxs = [];
  const st = { failed: null, done: new Set() };

  async function page(lang) {
    const ctx = await site.newContext(browser, { js, axe: js, lang });
    ctxs.push(ctx);
    return ctx.newPage();
  }

  /* axe on the page the journey is on, except in the nojs run. */
  async function axe(p, where) {
    if (!js) return;
    await site.assertAccessible(p, `${mode} journey, ${where}: ${new URL(p.url()).pathname}`);
  }

  /* A step: skipped when a step it needs did not pass; records success
   * for the steps after it; screenshots the page on failure. */
  function step(name, needs, fn) {
    it(name, async (t) => {
      const missing = needs.filter((n) => !st.done.has(n));
      if (missing.length) return t.skip(`needs the step(s) that did not pass: ${missing.join(', ')}`);
      const pages = [];
      try {
        await fn(pages);
        st.done.add(name);
      } catch (e) {
        for (const [i, p] of pages.entries()) {
          const f = await site.screenshot(p, `${mode}-${name}-${i}`);
          if (f) e.message += `\n(screenshot: ${f})`;
        }
        throw e;
      }
    });
  }

  async function login(p, who) {
    await p.goto('/connexion');
    await driver.fill(p, p.getByLabel('Identifiant ou adresse électronique'), who.username);
    await driver.fill(p, p.getByLabel('Mot de passe', { exact: true }), who.password);
    await driver.go(p, p.getByRole('button', { name: FR.loginSubmit }));
    assert.equal(new URL(p.url()).pathname, '/compte', `log in as ${who.username}: not on /compte but ${p.url()}`);
  }

  const S = {};
  const A = {}; /* author's page, kept across steps */

  describe(`journey (${mode}${mode === 'keyboard' ? ': keyboard events only' : ''}${mode === 'nojs' ? ': JavaScript disabled' : ''})`, () => {
    before(async () => {
      browser = await site.launch();
      if (!js) {
        /* the context really runs no script */
        const ctx = await site.newContext(browser, { js: false });
        const p = await ctx.newPage();
        await p.setContent('<p id="x">sans</p><script>document.getElementById("x").textContent = "avec";</script>');
        assert.equal(await p.locator('#x').innerText(), 'sans', 'JavaScript ran in the nojs context');
        await ctx.close();
      }
      /* The first open theme's section that takes contributions: the
       * "Propositions" part of the demo's first theme. */
      const home = await (await fetch(`${site.BASE}/`)).text();
      const m = /aria-labelledby="theme-(\d+)"/.exec(home);
      assert.ok(m, 'no theme on the home page');
      S.theme = Number(m[1]);
      const theme = await (await fetch(`${site.BASE}/themes/${S.theme}`)).text();
      const sections = [...theme.matchAll(/<a href="\/sections\/(\d+)">([^<]*)<\/a>/g)];
      const proposals = sections.find((s) => /Propositions/.test(s[2])) || sections[sections.length - 1];
      S.section = Number(proposals[1]);
      S.sectionTitle = proposals[2];
      const section = await (await fetch(`${site.BASE}/sections/${S.section}`)).text();
      const demo = /href="\/contributions\/(\d+)"/.exec(section);
      assert.ok(demo, `no contribution in section ${S.section} of the demo`);
      S.demoContribution = Number(demo[1]);
    });
    after(async () => {
      for (const c of ctxs) await c.close().catch(() => {});
      if (browser) await browser.close();
    });

    step('register', [], async (pages) => {
      const p = await page('fr');
      pages.push(p);
      A.page = p;
      await p.goto('/');
      await axe(p, 'home');
      /* from the home page to the form, the way a visitor goes */
      const link = p.getByRole('link', { name: /Créer un compte|Connexion|Se connecter/ }).first();
      if (await link.count()) await driver.go(p, link);
      else await p.goto('/inscription'); /* the home page has no link to it (reported) */
      if (!p.url().endsWith('/inscription')) {
        const reg = p.getByRole('link', { name: 'Créer un compte' }).first();
        if (await reg.count()) await driver.go(p, reg);
        else await p.goto('/inscription');
      }
      await axe(p, 'register form');
      await driver.fill(p, p.getByLabel('Identifiant', { exact: true }), author.username);
      await driver.fill(p, p.getByLabel('Adresse électronique'), author.email);
      await driver.fill(p, p.getByLabel('Mot de passe', { exact: true }), author.password);
      await driver.radio(p, p.getByLabel('Citoyen ou citoyenne'));
      await driver.check(p, p.getByLabel("J'ai lu et j'accepte la charte de participation."));
      await driver.go(p, p.getByRole('button', { name: FR.registerSubmit }));
      await assertText(p, FR.registerSent);
      await axe(p, 'register sent');
    });

    step('confirm from the mailed link', ['register'], async (pages) => {
      const p = A.page;
      pages.push(p);
      const link = await site.mailedLink(author.email, '/confirmer');
      await p.goto(link);
      await axe(p, 'confirm form');
      await driver.go(p, p.getByRole('button', { name: FR.confirmSubmit }));
      await assertText(p, FR.confirmed);
      await axe(p, 'confirmed');
    });

    step('log in', ['confirm from the mailed link'], async (pages) => {
      const p = A.page;
      pages.push(p);
      await login(p, author);
      await assertText(p, FR.accountTitle);
      const pseudo = /(?:pseudonyme public|public pseudonym)\s*:\s*(\S+)/.exec(await p.locator('main').innerText());
      assert.ok(pseudo, 'the account page does not show the public pseudonym');
      author.pseudonym = pseudo[1];
      await axe(p, 'account');
    });

    step('post a contribution', ['log in'], async (pages) => {
      const p = A.page;
      pages.push(p);
      await p.goto(`/themes/${S.theme}`);
      await axe(p, 'theme');
      await driver.go(p, p.getByRole('link', { name: S.sectionTitle, exact: true }));
      assert.equal(new URL(p.url()).pathname, `/sections/${S.section}`);
      const form = p.locator('form.act-post');
      await driver.fill(p, form.getByLabel('Titre'), title);
      await driver.fill(p, form.getByLabel('Texte'), 'Une **proposition** écrite par le test de bout en bout.');
      await driver.go(p, form.getByRole('button', { name: FR.postSubmit }));
      const m = /\/contributions\/(\d+)/.exec(p.url());
      assert.ok(m, `after posting, not on a contribution page but ${p.url()}`);
      S.contribution = Number(m[1]);
      await assertText(p, title);
      assert.ok((await p.locator('main strong').allInnerTexts()).includes('proposition'), 'the Markdown was not rendered');
      await axe(p, 'contribution (author)');
      /* and an argument on someone else's contribution, which stays
       * public (not trashed) for the "anonyme" check */
      await p.goto(`/contributions/${S.demoContribution}`);
      const arg = p.locator('form.act-argument');
      await driver.radio(p, arg.getByLabel('pour', { exact: true }));
      await driver.fill(p, arg.getByLabel('Texte'), authorArg);
      await driver.go(p, arg.getByRole('button', { name: FR.argSubmit }));
      assert.match(await p.locator('section.side-for').innerText(), new RegExp(`${escapeRe(authorArg)}[\\s\\S]*Par ${escapeRe(author.username)}`));
    });

    step('another participant argues and votes', ['post a contribution'], async (pages) => {
      const p = await page('fr');
      pages.push(p);
      S.other = p;
      await login(p, other);
      await p.goto(`/contributions/${S.contribution}`);
      const arg = p.locator('form.act-argument');
      await driver.radio(p, arg.getByLabel('contre', { exact: true }));
      await driver.fill(p, arg.getByLabel('Texte'), argText);
      await driver.go(p, arg.getByRole('button', { name: FR.argSubmit }));
      assert.equal(new URL(p.url()).pathname, `/contributions/${S.contribution}`);
      await assertText(p, argText);
      const against = p.locator('section.side-against');
      assert.match(await against.innerText(), new RegExp(escapeRe(argText)));
      assert.match(await against.innerText(), new RegExp(`${other.username}`));

      const vote = p.locator('form.act-vote');
      await driver.radio(p, vote.getByLabel("D'accord", { exact: true }));
      await driver.go(p, vote.getByRole('button', { name: FR.voteSubmit, exact: true }));
      assert.equal(new URL(p.url()).pathname, `/contributions/${S.contribution}`);
      assert.match(await p.locator('p.my-vote').innerText(), /D'accord/);
      assert.equal((await p.locator('dl.votes dd.agree').innerText()).trim(), '1');
      await axe(p, 'contribution (other participant)');
    });

    step('flag the contribution', ['another participant argues and votes'], async (pages) => {
      const p = S.other;
      pages.push(p);
      const flag = p.locator('form.act-flag');
      await driver.radio(p, flag.getByLabel(FR.reasonOffTopic, { exact: true }));
      await driver.fill(p, flag.getByLabel('Précisions (facultatives)'), 'Sans rapport avec cette partie.');
      await driver.go(p, flag.getByRole('button', { name: FR.flagSubmit }));
      await assertText(p, FR.flagged);
      await axe(p, 'contribution (flagged)');
    });

    step('the moderator moves it to the bin', ['flag the contribution'], async (pages) => {
      const p = await page('fr');
      pages.push(p);
      await login(p, moderator);
      await p.goto('/moderation');
      await axe(p, 'moderation queue');
      const item = p.locator('section.mod-item').filter({ has: p.locator(`a[href$="/contributions/${S.contribution}"]`) });
      assert.equal(await item.count(), 1, `contribution ${S.contribution} is not in the moderation queue`);
      const details = item.locator('details.decision').filter({ has: p.locator('summary', { hasText: FR.modTrash }) });
      await driver.open(p, details.locator('summary'));
      await driver.select(p, details.getByLabel('Motif (charte)'), FR.reasonOffTopic);
      await driver.fill(p, details.getByLabel('Note publique'), modNote);
      await driver.go(p, details.getByRole('button'));
      await assertText(p, FR.modDone);
      await axe(p, 'moderation done');
    });

    step('the bin shows it with its reason', ['the moderator moves it to the bin'], async (pages) => {
      const p = A.page;
      pages.push(p);
      await p.goto('/');
      const bin = p.getByRole('link', { name: 'Corbeille', exact: true }).first();
      if (await bin.count()) await driver.go(p, bin);
      else await p.goto('/corbeille'); /* the home page has no navigation (reported) */
      assert.equal(new URL(p.url()).pathname, '/corbeille');
      const entry = p.locator('ol.trash > li').filter({ hasText: title });
      assert.equal(await entry.count(), 1, 'the trashed contribution is not in the bin');
      const text = await entry.innerText();
      assert.match(text, /Motif : hors-sujet/);
      assert.match(text, new RegExp(escapeRe(modNote)));
      await axe(p, 'bin');
      await p.goto(`/contributions/${S.contribution}`);
      await assertText(p, FR.trashedNotice);
    });

    step('the author deletes the account', ['log in'], async (pages) => {
      const p = A.page;
      pages.push(p);
      await p.goto('/compte');
      await driver.go(p, p.getByRole('link', { name: FR.deleteLink }));
      assert.equal(new URL(p.url()).pathname, '/compte/supprimer');
      await axe(p, 'delete form');
      await driver.check(p, p.getByLabel(FR.deleteConfirm));
      await driver.go(p, p.getByRole('button', { name: FR.deleteSubmit }));
      await assertText(p, FR.deleted);
      await axe(p, 'deleted');
      /* the old credentials no longer open a session */
      await p.goto('/connexion');
      await driver.fill(p, p.getByLabel('Identifiant ou adresse électronique'), author.username);
      await driver.fill(p, p.getByLabel('Mot de passe', { exact: true }), author.password);
      await driver.go(p, p.getByRole('button', { name: FR.loginSubmit }));
      await assertText(p, FR.loginFailed);
    });

    step('the contributions show "anonyme"', ['post a contribution', 'the author deletes the account'], async (pages) => {
      const p = A.page;
      pages.push(p);
      /* the public profile of the erased pseudonym names nobody */
      await p.goto(`/participants/${author.pseudonym}`);
      const profile = await p.locator('main').innerText();
      assert.ok(!profile.includes(author.username), `the profile of an erased participant still shows "${author.username}"`);
      /* the trashed contribution keeps its text and says "Par anonyme" */
      await p.goto(`/contributions/${S.contribution}`);
      const meta = p.locator('article.contribution > p.meta').first();
      assert.match(await meta.innerText(), /^Par anonyme/);
      for (const where of [`/contributions/${S.contribution}`, `/contributions/${S.demoContribution}`, '/corbeille']) {
        await p.goto(where);
        const main = await p.locator('main').innerText();
        assert.ok(!main.includes(author.username), `${where}: the erased username "${author.username}" still shows`);
        assert.equal(await p.locator(`a[href="/participants/${author.pseudonym}"]`).count(), 0, `${where}: a link to the erased profile remains`);
      }
      /* the author's argument on a live contribution: kept, "anonyme" */
      await p.goto(`/contributions/${S.demoContribution}`);
      const mine = p.locator('section.side-for li').filter({ hasText: authorArg });
      assert.equal(await mine.count(), 1, "the erased author's argument is gone");
      assert.match(await mine.locator('p.meta').innerText(), /^Par anonyme/);
      await axe(p, 'contribution (author erased)');
    });
  });
}

async function assertText(page, text) {
  const main = await page.locator('main').innerText();
  assert.ok(main.includes(text), `"${text}" not found on ${page.url()}:\n${main.slice(0, 1500)}`);
}

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

module.exports = { journey };
