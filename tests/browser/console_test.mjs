// Drives the support console in headless Chromium against a running server.
// Run by tests/e2e/console_browser_e2e_test.cc, which prepares the data
// before and reads the results back over gRPC after. Exit code 0: every step
// passed; a screenshot is saved either way.
//
// Env: CONSOLE_URL, API_KEY, CUSTOMER_ID, STEP_ID, AGENT_ID, OUTPUT_DIR,
// CHROMIUM (default /usr/bin/chromium).
import { chromium } from 'playwright-core';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const consoleUrl = env('CONSOLE_URL');
const apiKey = env('API_KEY');
const customerId = env('CUSTOMER_ID');
const stepId = env('STEP_ID');
const agentId = env('AGENT_ID');
const outputDir = env('OUTPUT_DIR');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  // Containers run the test as root, where Chromium's sandbox cannot start,
  // and often have a small /dev/shm.
  args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
page.setDefaultTimeout(15000);
const pageErrors = [];
page.on('pageerror', (error) => pageErrors.push(error.message));

function check(condition, message) {
  if (!condition) throw new Error(message);
}

// Waits with locators, not page.waitForFunction: the console's
// Content-Security-Policy forbids the eval that function polling needs.
async function textShown(selector, expected) {
  await page.locator(selector, { hasText: expected }).first().waitFor();
}

async function messageShown(selector, expected) {
  await textShown(`${selector}:not([hidden])`, expected);
}

async function step(name, body) {
  process.stdout.write(`- ${name}\n`);
  await body();
}

let failed = false;
try {
  await page.goto(consoleUrl);

  await step('a wrong key is refused with a clear message', async () => {
    await page.fill('#api-key', 'lc_wrong.key');
    await page.click('#use-key');
    await messageShown('#error', 'API key was not accepted');
  });

  await step('the right key is accepted and the at-risk list loads', async () => {
    await page.fill('#api-key', apiKey);
    await page.click('#use-key');
    await textShown('#key-status', /^tenant /);
    await page.waitForSelector('#at-risk tbody tr');
  });

  await step('an unknown customer is reported as not found', async () => {
    await page.fill('#customer-id', 'nobody-by-this-id');
    await page.click('#lookup');
    await messageShown('#error', 'Not found');
  });

  await step('the customer shows stage, segment, health, checklist and cross-sell', async () => {
    await page.fill('#customer-id', customerId);
    await page.click('#lookup');
    await page.waitForSelector('#customer:not([hidden])');
    check((await page.textContent('#stage')) === 'ONBOARDING',
      `stage shows "${await page.textContent('#stage')}"`);
    await textShown('#health-summary', /Score \d+/);
    await page.waitForSelector(`#checklist tr[data-step-id="${stepId}"] button.complete-step`);
    await textShown('#cross-sell', /\S/);
  });

  await step('completing a step updates the checklist', async () => {
    await page.click(`#checklist tr[data-step-id="${stepId}"] button.complete-step`);
    await messageShown('#notice', `Step ${stepId} completed`);
    const status = await page.textContent(`#checklist tr[data-step-id="${stepId}"] .step-status`);
    check(status.startsWith('DONE'), `step status shows "${status}"`);
  });

  await step('a follow-up with a bad agent id names the field', async () => {
    await page.fill('#fu-agent', 'agent with spaces');
    await page.click('#log-follow-up');
    await messageShown('#error', 'follow_up.agent_id');
  });

  await step('a follow-up is logged and listed', async () => {
    await page.fill('#fu-agent', agentId);
    await page.selectOption('#fu-channel', 'CHANNEL_PHONE');
    await page.fill('#fu-note', 'Walked through the set-up; all good.');
    await page.click('#log-follow-up');
    await messageShown('#notice', 'logged');
    await textShown('#follow-ups li', agentId);
  });

  check(pageErrors.length === 0, `errors on the page: ${pageErrors.join('; ')}`);
} catch (error) {
  failed = true;
  console.error(`FAILED: ${error.message}`);
} finally {
  await page.screenshot({ path: `${outputDir}/console.png`, fullPage: true });
  console.log(`screenshot: ${outputDir}/console.png`);
  await browser.close();
}
process.exit(failed ? 1 : 0);
