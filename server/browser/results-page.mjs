// Drives Debian's Chromium (headless) with playwright-core against a ballot box's results
// page: the page loads, its totals equal the API's, a receipt lookup finds a ballot, and
// a screenshot is saved. Usage: node results-page.mjs BOX_URL ELECTION_ID LEAF_HASH SCREENSHOT
// Prints one JSON line with what it saw; exits non-zero on any mismatch.
import { chromium } from "playwright-core";

const [url, electionId, leafHash, screenshot] = process.argv.slice(2);
if (!screenshot) {
  console.error("usage: node results-page.mjs BOX_URL ELECTION_ID LEAF_HASH SCREENSHOT");
  process.exit(2);
}
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
const fail = async (why) => {
  console.error(why);
  await browser.close();
  process.exit(1);
};
try {
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(url + "/", { waitUntil: "load" });
  await page.waitForSelector("body[data-ready=true]", { timeout: 20000 });
  const section = page.locator(`section[data-election="${electionId}"]`);
  const shown = await section.locator(".total").allTextContents();
  const api = await (await fetch(`${url}/v1/elections/${electionId}/results`)).json();
  if (JSON.stringify(shown.map(Number)) !== JSON.stringify(api.totals.map(Number))) {
    await fail(`page totals ${JSON.stringify(shown)} != API totals ${JSON.stringify(api.totals)}`);
  }
  const logSize = Number(await section.locator("[data-testid=log-size]").textContent());
  if (logSize !== api.log_size) await fail(`page log size ${logSize} != API ${api.log_size}`);
  const checkpoint = await section.locator("[data-testid=checkpoint]").textContent();
  if (!checkpoint.startsWith(api.checkpoint.split("\n")[0])) await fail("checkpoint not shown");

  // A receipt lookup that finds the ballot, and one that does not.
  await section.locator("[data-testid=receipt-input]").fill(leafHash);
  await section.locator("[data-testid=receipt-button]").click();
  const found = section.locator("[data-testid=receipt-result]");
  await page.waitForFunction((el) => el.textContent.startsWith("Your ballot") || el.textContent.startsWith("Not found"), await found.elementHandle());
  const foundText = await found.textContent();
  if (!foundText.startsWith("Your ballot is entry")) await fail(`lookup: ${foundText}`);
  await section.locator("[data-testid=receipt-input]").fill("00".repeat(32));
  await section.locator("[data-testid=receipt-button]").click();
  await page.waitForFunction((el) => el.textContent.startsWith("Not found"), await found.elementHandle());
  const missText = await found.textContent();
  await section.locator("[data-testid=receipt-input]").fill(leafHash);
  await section.locator("[data-testid=receipt-button]").click();
  await page.waitForFunction((el) => el.textContent.startsWith("Your ballot"), await found.elementHandle());
  await page.screenshot({ path: screenshot, fullPage: true });
  if (errors.length) await fail(`page errors: ${errors.join("; ")}`);
  console.log(JSON.stringify({ totals: shown.map(Number), log_size: logSize, found: foundText, missing: missText }));
  await browser.close();
} catch (e) {
  await fail(`browser test: ${e.stack || e}`);
}
