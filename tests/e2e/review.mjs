// Browser tests of the review UI: playwright-core driving Debian's Chromium against the app
// that tests/e2e/test_browser.py started on 127.0.0.1 with a real Elasticsearch index.
// Every check throws on failure; the process exits non-zero and pytest fails.
import assert from "node:assert/strict";
import http from "node:http";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

const BASE = process.env.KC_BASE_URL;
const PASSWORD = process.env.KC_PASSWORD;
const XSS_ID = process.env.KC_XSS_ID;
const TARGET_ID = process.env.KC_TARGET_ID;
const SHOTS = process.env.KC_SCREENSHOTS;
mkdirSync(SHOTS, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.KC_CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-dev-shm-usage"],
});
const problems = [];

async function newPage(name) {
  const context = await browser.newContext({ locale: "vi-VN" });
  const page = await context.newPage();
  page.on("dialog", async (dialog) => {
    problems.push(`${name}: a dialog opened: ${dialog.message()}`);
    await dialog.dismiss();
  });
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`${name}: console error: ${msg.text()} at ${msg.location().url}`);
  });
  page.on("pageerror", (err) => problems.push(`${name}: page error: ${err.message}`));
  return { context, page };
}

async function login(page, user) {
  await page.goto(`${BASE}/login`);
  await page.fill('input[name="username"]', user);
  await page.fill('input[name="password"]', PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('#login-form button[type="submit"]')]);
  if (!(await page.$("#who"))) throw new Error(`login failed: ${page.url()} ${(await page.content()).slice(0, 3000)}`);
  assert.match(await page.textContent("#who"), new RegExp(user));
}

async function step(name, fn) {
  const started = Date.now();
  await fn();
  console.log(`ok  ${name} (${Date.now() - started} ms)`);
}

// 1. A reviewer works through the queue with the keyboard and records a verdict.
const reviewer = await newPage("reviewer");
await step("reviewer logs in and works through the queue", async () => {
  const { page } = reviewer;
  await login(page, "lan");
  await page.goto(`${BASE}/queue`);
  await page.screenshot({ path: `${SHOTS}/01-queue.png`, fullPage: true });
  const ids = await page.$$eval("tr.row", (rows) => rows.map((r) => r.dataset.id));
  assert.ok(ids.length >= 5, `queue shows ${ids.length} items`);
  assert.equal(await page.getAttribute("tr.current", "data-id"), ids[0]);
  await page.keyboard.press("j");
  await page.keyboard.press("j");
  await page.keyboard.press("k");
  assert.equal(await page.getAttribute("tr.current", "data-id"), ids[1]);
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  assert.equal(await page.getAttribute("#item", "data-id"), ids[1]);
  await page.keyboard.press("c");
  assert.ok(await page.isChecked("#verdict-confirmed"), "c picks 'confirmed'");
  await page.fill("#verdict-note", "Đã đối chiếu với thông cáo của EVN");
  await page.fill("#verdict-evidence", "https://evn.example/thong-cao");
  await page.screenshot({ path: `${SHOTS}/02-item-verdict.png`, fullPage: true });
  await Promise.all([page.waitForNavigation(), page.click("#verdict-submit")]);
  assert.ok(await page.isVisible("#flash"));
  const left = await page.$$eval("tr.row", (rows) => rows.map((r) => r.dataset.id));
  assert.ok(!left.includes(ids[1]), "the reviewed item left the unreviewed queue");
  await page.goto(`${BASE}/search?status=confirmed`);
  assert.match(await page.textContent("#total"), /^1 /);
  await page.screenshot({ path: `${SHOTS}/03-after-verdict.png`, fullPage: true });
  console.log(`VERDICT_ITEM=${ids[1]}`);
});

await step("x selects rows and a verdict key applies to all of them", async () => {
  const { page } = reviewer;
  await page.goto(`${BASE}/queue?label=solution_myth`);
  const ids = await page.$$eval("tr.row", (rows) => rows.map((r) => r.dataset.id));
  assert.ok(ids.length >= 2);
  await page.keyboard.press("x");
  await page.keyboard.press("j");
  await page.keyboard.press("x");
  await Promise.all([page.waitForNavigation(), page.keyboard.press("e")]);
  const left = await page.$$eval("tr.row", (rows) => rows.map((r) => r.dataset.id));
  assert.ok(!left.includes(ids[0]) && !left.includes(ids[1]));
  console.log(`EXPERT_ITEMS=${ids[0]},${ids[1]}`);
});

// 2. Hostile crawled content renders inert.
await step("an item with <script>, onerror= and javascript: payloads is inert", async () => {
  const { page } = reviewer;
  await page.goto(`${BASE}/items/${XSS_ID}`);
  await page.waitForLoadState("load");
  await page.screenshot({ path: `${SHOTS}/04-hostile-item.png`, fullPage: true });
  assert.equal(await page.evaluate(() => window.__pwned), undefined, "a payload ran");
  assert.match(await page.textContent("#item-title"), /<script>window.__pwned = 1<\/script>/);
  assert.equal(await page.$$eval("#item-body img, #item-body a, #item-body script", (e) => e.length), 0);
  assert.equal(await page.$$eval('a[href^="javascript:" i]', (e) => e.length), 0);
  assert.equal(await page.$$eval("[onerror], [onclick], [onload]", (e) => e.length), 0);
  const scripts = await page.$$eval("script", (s) => s.map((x) => x.getAttribute("src")));
  assert.ok(scripts.every((src) => src && src.startsWith("/static/")), `scripts: ${scripts}`);
  assert.ok(await page.isVisible("#source-link-unsafe"));
  await page.goto(`${BASE}/search?q=thuy+dien`);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
});

// 3. An analyst who posts a verdict gets 403, and the refusal is in the audit log.
await step("an analyst's verdict is refused with 403 and logged", async () => {
  const analyst = await newPage("analyst");
  const { page } = analyst;
  await login(page, "minh");
  await page.goto(`${BASE}/items/${TARGET_ID}`);
  assert.equal(await page.$("#verdict-form"), null, "no verdict form for analysts");
  const status = await page.evaluate(async (id) => {
    const response = await window.kcFetch(`/api/items/${id}/verdict`, {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ verdict: "confirmed" }),
    });
    return response.status;
  }, TARGET_ID);
  assert.equal(status, 403);
  const form = await page.request.post(`${BASE}/items/${TARGET_ID}/verdict`, {
    form: { verdict: "confirmed", csrf_token: await page.getAttribute('meta[name="csrf-token"]', "content") },
    headers: { Origin: BASE },
  });
  assert.equal(form.status(), 403);
  await page.goto(`${BASE}/charts`);
  await page.waitForSelector('#chart-data[data-ready="yes"]', { state: "attached", timeout: 15000 });
  assert.ok(await page.evaluate(() => Chart.getChart("timeline-chart").data.datasets.length > 0));
  await page.screenshot({ path: `${SHOTS}/05-charts.png`, fullPage: true });
  await analyst.context.close();
  const admin = await newPage("admin");
  await login(admin.page, "quan");
  await admin.page.goto(`${BASE}/audit`);
  const verdicts = await admin.page.textContent("#audit-verdicts");
  assert.match(verdicts, /lan/);
  await admin.page.screenshot({ path: `${SHOTS}/06-audit.png`, fullPage: true });
  await admin.page.goto(`${BASE}/audit/security?user=minh`);
  const log = await admin.page.textContent("#security-log");
  assert.match(log, /minh[\s\S]*refused: role analyst/);
  await admin.page.screenshot({ path: `${SHOTS}/06b-security-log.png`, fullPage: true });
  await admin.context.close();
  problems.splice(0, problems.length, ...problems.filter((p) => !p.includes("403")));
});

// 4. A page on another site posts to the app while the reviewer is signed in: refused.
await step("a cross-site POST without a valid token is refused", async () => {
  const evil = http.createServer((req, res) => {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><form id="f" method="post" action="${BASE}/items/${TARGET_ID}/verdict">
      <input name="verdict" value="not_misleading"><input name="csrf_token" value="guessed">
      </form><script>document.getElementById("f").submit()</script>`);
  });
  await new Promise((resolve) => evil.listen(0, "localhost", resolve));
  const evilUrl = `http://localhost:${evil.address().port}/`;
  const { page } = reviewer;
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().includes(`/items/${TARGET_ID}/verdict`)),
    page.goto(evilUrl),
  ]);
  assert.equal(response.status(), 403);
  await page.waitForLoadState("load");
  await page.screenshot({ path: `${SHOTS}/07-cross-site-refused.png` });
  // The reviewer's own session still works, with its own token.
  await page.goto(`${BASE}/queue`);
  assert.ok(await page.isVisible("#who"));
  evil.close();
  problems.splice(0, problems.length, ...problems.filter((p) => !p.includes("403")));
});

await step("the d key asks which item this one duplicates before recording", async () => {
  const { page } = reviewer;
  await page.goto(`${BASE}/queue?label=disaster_hoax`);
  const ids = await page.$$eval("tr.row", (rows) => rows.map((r) => r.dataset.id));
  assert.ok(ids.length >= 2);
  await page.keyboard.press("j");
  await page.keyboard.press("d");
  assert.ok(await page.isVisible("#duplicate-dialog"), "d opens the question");
  await page.screenshot({ path: `${SHOTS}/09-duplicate-asks.png` });
  await page.keyboard.press("Escape");
  assert.ok(!(await page.isVisible("#duplicate-dialog")));
  assert.equal(await page.getAttribute("tr.current", "data-id"), ids[1], "nothing was sent");
  assert.equal(await page.$$eval("input.pick:checked", (e) => e.length), 0, "nothing picked");
  await page.keyboard.press("d");
  await page.fill("#duplicate-target", `${BASE}/items/${ids[0]}`);
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  const left = await page.$$eval("tr.row", (rows) => rows.map((r) => r.dataset.id));
  assert.ok(!left.includes(ids[1]) && left.includes(ids[0]));
  console.log(`DUPLICATE=${ids[1]}:${ids[0]}`);
});

await step("a link from another site keeps the session; a deep link returns after sign-in", async () => {
  const site = http.createServer((req, res) => {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><a id="to-login" href="${BASE}/login">sign in</a>
      <a id="to-item" href="${BASE}/items/${TARGET_ID}">an item</a>`);
  });
  await new Promise((resolve) => site.listen(0, "localhost", resolve));
  const other = `http://localhost:${site.address().port}/`;
  const { page } = reviewer;
  for (const link of ["#to-login", "#to-item"]) {
    await page.goto(other);
    await Promise.all([page.waitForNavigation(), page.click(link)]);
    assert.ok(await page.isVisible("#who"), `still signed in after following ${link}`);
  }
  assert.equal(await page.getAttribute("#item", "data-id"), TARGET_ID);
  const stranger = await newPage("stranger");
  await stranger.page.goto(`${BASE}/items/${TARGET_ID}?back=/queue`);
  assert.match(stranger.page.url(), /\/login\?next=/);
  await stranger.page.fill('input[name="username"]', "lan");
  await stranger.page.fill('input[name="password"]', PASSWORD);
  await Promise.all([stranger.page.waitForNavigation(),
                     stranger.page.click('#login-form button[type="submit"]')]);
  assert.equal(new URL(stranger.page.url()).pathname, `/items/${TARGET_ID}`);
  assert.equal(await stranger.page.getAttribute("#item", "data-id"), TARGET_ID);
  await stranger.context.close();
  site.close();
});

// axe-core on every page, in Vietnamese; no serious or critical violation. Page.evaluate runs
// outside the page's CSP, so the app's policy stays as strict as it is for people.
async function checkAccessibility(page, name) {
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
  }));
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const text = bad.map((v) => `${name}: ${v.impact} ${v.id}: ${v.help} -> ` +
    v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")).join("\n");
  assert.equal(bad.length, 0, text);
  return result.violations.length;
}

async function fitsWidth(page, name, width) {
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
  const wide = await page.evaluate((limit) => Array.from(document.querySelectorAll("body *"))
    .filter((el) => el.getBoundingClientRect().right > limit + 0.5)
    .slice(0, 5).map((el) => `${el.tagName.toLowerCase()}#${el.id}.${el.className}`), width);
  assert.ok(scroll <= width, `${name} is ${scroll} px wide at ${width} px: ${wide.join(", ")}`);
}

await step("every page passes axe-core; queue, item, search and charts at 1366 and 390 px", async () => {
  const { page } = reviewer;
  const itemId = await (async () => {
    await page.goto(`${BASE}/queue`);
    return page.getAttribute("tr.row", "data-id");
  })();
  const pages = [
    ["queue", "/queue"], ["item", `/items/${itemId}?back=/queue`], ["search", "/search?q=thuy+dien"],
    ["charts", "/charts"], ["alerts", "/alerts"], ["claim-timeline", "/claims/kc-0001/timeline"],
  ];
  let minor = 0;
  for (const width of [1366, 390]) {
    await page.setViewportSize({ width, height: width > 500 ? 900 : 844 });
    for (const [name, path] of pages) {
      await page.goto(`${BASE}${path}`);
      if (name === "charts") {
        await page.waitForSelector('#chart-data[data-ready="yes"]', { state: "attached", timeout: 15000 });
      }
      minor += await checkAccessibility(page, `${name} at ${width}`);
      await fitsWidth(page, name, width);
      await page.screenshot({ path: `${SHOTS}/${name}-${width}.png`, fullPage: true });
    }
  }
  // The queue is cards at phone width: one column, each card as wide as the screen.
  await page.goto(`${BASE}/queue`);
  const display = await page.$eval("tr.row", (row) => getComputedStyle(row).display);
  assert.equal(display, "grid", "queue rows are cards at 390 px");
  await page.setViewportSize({ width: 1366, height: 900 });
  for (const path of ["/account/password", "/khong-co-trang-nay"]) {
    await page.goto(`${BASE}${path}`);
    minor += await checkAccessibility(page, path);
  }
  assert.match(await page.textContent("h1"), /Không tìm thấy trang này/);
  const admin = await newPage("admin-axe");
  await login(admin.page, "quan");
  for (const path of ["/audit", "/audit/security"]) {
    await admin.page.goto(`${BASE}${path}`);
    minor += await checkAccessibility(admin.page, path);
  }
  await admin.page.screenshot({ path: `${SHOTS}/audit-1366.png`, fullPage: true });
  await admin.context.close();
  const stranger = await newPage("stranger-axe");
  await stranger.page.goto(`${BASE}/login`);
  minor += await checkAccessibility(stranger.page, "/login");
  await stranger.context.close();
  console.log(`AXE_MINOR_OR_MODERATE=${minor}`);
  problems.splice(0, problems.length, ...problems.filter((p) => !p.includes("404")));
});

await step("keys belong to a focused link or button; a one-key verdict can be undone", async () => {
  const { page } = reviewer;
  await page.goto(`${BASE}/queue`);
  const ids = await page.$$eval("tr.row", (rows) => rows.map((r) => r.dataset.id));
  assert.ok(ids.length >= 3);
  // Focus the third row's link while the first row is highlighted: Enter follows the link.
  await page.focus(`tr.row[data-id="${ids[2]}"] a.item-link`);
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  assert.equal(await page.getAttribute("#item", "data-id"), ids[2]);
  await page.goto(`${BASE}/queue`);
  // A letter key on a focused button does nothing to the queue.
  await page.focus("#filters button[type=submit]");
  await page.keyboard.press("e");
  await page.keyboard.press("j");
  assert.equal(await page.$("#undo-form"), null, "no verdict was sent");
  assert.equal(await page.getAttribute("tr.current", "data-id"), ids[0]);
  // From the page itself, e records a verdict on the highlighted row and names it.
  await page.evaluate(() => document.activeElement.blur());
  const title = (await page.textContent(`tr.row[data-id="${ids[0]}"] a.item-link`)).trim();
  await Promise.all([page.waitForNavigation(), page.keyboard.press("e")]);
  assert.ok(await page.isVisible("#undo-button"));
  assert.ok((await page.textContent("#undo-titles")).includes(title.slice(0, 40)));
  assert.ok(!(await page.$$eval("tr.row", (rows) => rows.map((r) => r.dataset.id))).includes(ids[0]));
  await page.screenshot({ path: `${SHOTS}/10-undo-offered.png` });
  await Promise.all([page.waitForNavigation(), page.keyboard.press("u")]);
  assert.match(await page.textContent("#flash"), /hoàn tác/i);
  assert.ok((await page.$$eval("tr.row", (rows) => rows.map((r) => r.dataset.id))).includes(ids[0]));
  console.log(`UNDONE=${ids[0]}`);
});

await step("English is one click away", async () => {
  const { page } = reviewer;
  await page.goto(`${BASE}/queue`);
  await page.goto(`${BASE}/queue?label=disaster_hoax`);
  await Promise.all([page.waitForNavigation(), page.click("#lang-switch")]);
  assert.match(await page.textContent("h1"), /Queue/);
  assert.equal(new URL(page.url()).search, "?label=disaster_hoax", "the switch keeps the query");
  await page.screenshot({ path: `${SHOTS}/08-english.png` });
});

await browser.close();
if (problems.length) {
  console.error("problems seen in the browser:\n" + problems.join("\n"));
  process.exit(1);
}
console.log("all browser checks passed");
