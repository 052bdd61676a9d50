// Loads a scan-audit HTML report from disk in Debian's headless Chromium, with every network
// request refused and recorded, and holds it to the JSON report of the same audit:
//   node report_check.mjs PAGE.html REPORT.json SCREENSHOT.png
// Exit 0 when every check passed; 1 with the failures listed; 2 when it cannot run at all.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const [pagePath, jsonPath, shotPath] = process.argv.slice(2);
if (!pagePath || !jsonPath || !shotPath) {
  console.error("usage: node report_check.mjs PAGE.html REPORT.json SCREENSHOT.png");
  process.exit(2);
}
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";

let chromium;
try {
  ({ chromium } = await import("playwright-core"));
} catch (e) {
  const here = path.dirname(fileURLToPath(import.meta.url));
  console.error(`browser test: playwright-core is not installed in ${here}/node_modules ` +
                `(run: npm ci --prefix ${here}): ${e.message}`);
  process.exit(2);
}

const failures = [];
let passed = 0;
const check = (ok, what) => { if (ok) passed++; else failures.push(what); };

const report = JSON.parse(fs.readFileSync(jsonPath, "utf8"));
const pointer = (doc, p) => p.split("/").slice(1).reduce(
  (v, k) => (v === undefined || v === null ? undefined : v[k.replace(/~1/g, "/").replace(/~0/g, "~")]),
  doc);
const asNumber = (v) => (typeof v === "boolean" ? (v ? 1 : 0) : v);

const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "redis-ops-chromium-"));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: chromiumPath,
  headless: true,
  offline: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  viewport: { width: 1280, height: 900 },
});
try {
  const pageUrl = pathToFileURL(path.resolve(pagePath)).href;
  const requests = [];
  // Every request but the page itself is recorded and refused.
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url === pageUrl) return route.continue();
    requests.push(url);
    return route.abort();
  });
  const page = context.pages()[0] || (await context.newPage());
  page.on("request", (r) => { if (r.url() !== pageUrl) requests.push(r.url()); });
  const consoleErrors = [];
  page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  // Any script a key smuggled in would call one of these: record every call.
  await page.addInitScript(() => {
    window.__calls = [];
    for (const name of ["alert", "confirm", "prompt", "open", "print"]) {
      window[name] = (...a) => { window.__calls.push(name + ":" + a.join(" ")); };
    }
    for (const name of ["log", "error", "warn", "info", "debug"]) {
      console[name] = (...a) => { window.__calls.push("console." + name + ":" + a.join(" ")); };
    }
  });
  await page.goto(pageUrl, { waitUntil: "load" });
  await page.waitForTimeout(300);  // an onerror or a timer a key might have planted

  const dom = await page.evaluate(() => ({
    calls: window.__calls,
    scripts: document.scripts.length,
    active: document.querySelectorAll("img, iframe, object, embed, link, base, form, a[href]").length,
    island: document.getElementById("report-data").textContent,
    numbers: Array.from(document.querySelectorAll("[data-json]")).map((e) => ({
      at: e.getAttribute("data-json"), value: Number(e.getAttribute("data-value")),
      text: e.textContent })),
    memoryRows: Array.from(document.querySelectorAll("tr[data-role=memory-pattern] td[data-value]"))
      .map((e) => Number(e.getAttribute("data-value"))),
    filterVisible: Array.from(document.querySelectorAll("input.filter")).every((b) => !b.hidden),
    bodyText: document.body.innerText,
  }));
  const island = JSON.parse(dom.island);

  check(requests.length === 0, `network requests were made: ${requests.join(", ")}`);
  check(consoleErrors.length === 0, `console errors: ${consoleErrors.join(" | ")}`);
  check(dom.calls.length === 0, `page scripts called: ${dom.calls.join(" | ")}`);
  check(dom.scripts === 2, `expected 2 script elements (island, filter), found ${dom.scripts}`);
  check(dom.active === 0, `found ${dom.active} elements that could fetch or navigate`);
  check(dom.filterVisible, "the filter script did not run (CSP hash mismatch?)");
  check(dom.numbers.length > 20, `only ${dom.numbers.length} numbers carry data-json`);
  for (const n of dom.numbers) {
    const inIsland = asNumber(pointer(island, n.at));
    const inReport = asNumber(pointer(report, n.at));
    check(inIsland === n.value, `${n.at}: page shows ${n.value}, its island has ${inIsland}`);
    // The duration is the one number that differs between two runs of the same audit.
    if (n.at !== "/duration_ms")
      check(inReport === n.value, `${n.at}: page shows ${n.value}, the JSON report has ${inReport}`);
    // Counts are shown as digits with thousands separators.
    if (/(keys|count|calls|keys_scanned)$/.test(n.at) && !/bytes/.test(n.at))
      check(n.text.replace(/,/g, "").includes(String(n.value)),
            `${n.at}: shown as "${n.text}", not as ${n.value}`);
  }
  // TTLs count down between the two audits: compare each pattern row without its TTL range.
  const withoutTtls = (rows) =>
    (rows || []).map(({ ttl_min_ms, ttl_p50_ms, ttl_max_ms, ...rest }) => rest);
  for (const doc of [island, report]) doc.patterns = withoutTtls(doc.patterns);
  for (const p of ["/keys_scanned", "/no_ttl/count", "/memory/total_bytes", "/big_keys_count",
                   "/keys_command/calls", "/ttl", "/types", "/patterns", "/server/version"])
    check(JSON.stringify(pointer(island, p)) === JSON.stringify(pointer(report, p)),
          `${p}: the island differs from the JSON report`);
  // Memory by pattern: keys and bytes per row; the rows (with "other") add up to all memory.
  const memoryBytes = dom.memoryRows.filter((_, i) => i % 2 === 1).reduce((a, b) => a + b, 0);
  check(memoryBytes === report.memory.total_bytes,
        `memory by pattern sums to ${memoryBytes}, the report says ${report.memory.total_bytes}`);
  check(dom.bodyText.includes("Keys without expiry"), "the first screen lacks its cards");

  fs.mkdirSync(path.dirname(path.resolve(shotPath)), { recursive: true });
  await page.screenshot({ path: shotPath, fullPage: true });
  check(fs.statSync(shotPath).size > 10000, "the screenshot is empty");
} finally {
  await context.close();
  fs.rmSync(userDataDir, { recursive: true, force: true });
}

for (const f of failures) console.error("FAIL: " + f);
console.log(`browser report test: ${passed} checks passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
