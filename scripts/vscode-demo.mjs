// Drives code-server (VS Code in the browser) with playwright-core and Debian's Chromium:
// opens main.tf of the workspace that code-server was started on, opens the Problems panel,
// waits until the tf-elbcheck findings are listed, prints the panel's text and saves a
// screenshot. Run by scripts/vscode-demo.sh, which sets the environment:
//   DEMO_URL        the code-server page, with ?folder=
//   DEMO_OUT        folder for problems.png, problems.txt and the browser profile
//   DEMO_EXPECT     a rule code that must appear (ELB004)
//   DEMO_QUICKFIX   1: also apply the quick fix on the first finding of DEMO_EXPECT
//   PLAYWRIGHT_CORE the playwright-core module to import (a path)
//   CHROMIUM        the browser (/usr/bin/chromium)
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const { chromium } = await import(process.env.PLAYWRIGHT_CORE);
const url = process.env.DEMO_URL;
const out = process.env.DEMO_OUT;
const expect = process.env.DEMO_EXPECT || "ELB004";
const quickfix = process.env.DEMO_QUICKFIX === "1";

const profile = mkdtempSync(join(out, "chromium-profile-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1400, height: 860 },
  // Chromium writes under XDG folders besides its profile: keep them in the profile too.
  env: {
    ...process.env,
    XDG_CONFIG_HOME: join(profile, "xdg-config"),
    XDG_CACHE_HOME: join(profile, "xdg-cache"),
  },
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});

function log(message) {
  process.stderr.write(`vscode-demo: ${message}\n`);
}

let status = 0;
const page = context.pages()[0] ?? (await context.newPage());
try {
  page.setDefaultTimeout(60_000);
  await page.goto(url);
  await page.waitForSelector(".monaco-workbench");
  log("workbench loaded");

  // The workspace is trusted by the settings; answer the dialog anyway if one shows.
  const trust = page.getByRole("button", { name: /Yes, I trust the authors/ });
  if (await trust.isVisible().catch(() => false)) {
    await trust.click();
    log("trusted the workspace");
  }

  // Open main.tf from the Explorer.
  const row = page.locator('.explorer-folders-view .monaco-list-row[aria-label*="main.tf"]');
  await row.first().waitFor();
  await row.first().click();
  await page.waitForSelector('.tabs-container .tab[aria-label*="main.tf"]');
  await page.locator(".monaco-editor .view-lines").first().click();
  log("main.tf open");

  // Problems panel.
  await page.keyboard.press("Control+Shift+M");
  const panel = page.locator(".markers-panel");
  await panel.waitFor();
  await panel.locator(".monaco-list-row", { hasText: expect }).first().waitFor({ timeout: 90_000 });
  // Let the list settle (all findings of one publication arrive together).
  await page.waitForTimeout(1500);

  const rows = await panel.locator(".monaco-list-row").allInnerTexts();
  const text = rows.map((r) => r.replace(/\s*\n\s*/g, " ").trim()).join("\n");
  writeFileSync(join(out, "problems.txt"), text + "\n");
  console.log("Problems panel:");
  console.log(text);
  // Show the finding's line in the editor too: a click on the finding's row reveals it.
  await panel.locator(".monaco-list-row", { hasText: expect }).first().click();
  await page.waitForTimeout(1000);
  await page.screenshot({ path: join(out, "problems.png") });
  log(`screenshot ${join(out, "problems.png")}`);
  if (!text.includes(expect)) {
    status = 1;
  }

  if (quickfix) {
    // Go to the finding: a double click on its row puts the cursor on it, in the editor.
    const finding = panel.locator(".monaco-list-row", { hasText: expect }).first();
    await finding.dblclick();
    await page.waitForTimeout(1000);
    await page.keyboard.press("Control+.");
    const menu = page.locator(".action-widget");
    await menu.waitFor();
    await page.waitForTimeout(500);
    const actions = await menu.locator(".monaco-list-row").allInnerTexts();
    console.log("Quick fixes offered:");
    console.log(actions.map((a) => a.trim()).join("\n"));
    await page.screenshot({ path: join(out, "quickfix-menu.png") });
    // The suggested fix, not the suppression comment: move the menu's focus to it and press
    // Enter (the menu takes no clicks while the pointer block of its context view is up).
    const actionRows = menu.locator(".monaco-list-row:not(.group-header)");
    const count = await actionRows.count();
    let picked = "";
    for (let i = 0; i <= count; i++) {
      const focused = (await menu.locator(".monaco-list-row.focused").innerText()).trim();
      if (!/suppress|ignore/i.test(focused)) {
        picked = focused;
        break;
      }
      await page.keyboard.press("ArrowDown");
    }
    if (!picked) {
      throw new Error("no fix other than a suppression among the code actions");
    }
    console.log(`Applying: ${picked}`);
    await page.keyboard.press("Enter");
    // The finding goes once the server has re-checked the edited buffer.
    try {
      await panel
        .locator(".monaco-list-row", { hasText: expect })
        .first()
        .waitFor({ state: "detached", timeout: 30_000 });
      console.log(`After the quick fix: ${expect} is gone from the Problems panel`);
    } catch {
      console.log(`After the quick fix: ${expect} is still in the Problems panel`);
      status = 1;
    }
    await page.waitForTimeout(1000);
    const after = await panel.locator(".monaco-list-row").allInnerTexts();
    const afterText = after.map((r) => r.replace(/\s*\n\s*/g, " ").trim()).join("\n");
    writeFileSync(join(out, "problems-after-fix.txt"), afterText + "\n");
    console.log("Problems panel after the fix:");
    console.log(afterText);
    // Save the edited buffer (the shell script shows the change), then show the fix's lines.
    await page.mouse.move(200, 500); // away from anything with a hover
    await page.keyboard.press("Control+S");
    await page.waitForSelector('.tabs-container .tab.dirty[aria-label*="main.tf"]', {
      state: "detached",
    });
    await page.keyboard.press("Control+G");
    await page.keyboard.type("66");
    await page.keyboard.press("Enter");
    await page.waitForTimeout(1000);
    await page.screenshot({ path: join(out, "after-fix.png") });
  }
} catch (error) {
  log(`failed: ${error}`);
  status = 1;
  await page.screenshot({ path: join(out, "failure.png") }).catch(() => {});
  log(`screenshot of the failure: ${join(out, "failure.png")}`);
} finally {
  await context.close();
}
process.exit(status);
