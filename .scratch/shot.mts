import { openBrowser, startServer } from '/work/main/scripts/app-under-test.ts';
const server = await startServer();
const b = await openBrowser();
await b.page.goto(`${server.url}/#/settings`);
await b.page.locator('[data-testid="model-row"][data-task="ocr"][data-present="true"]').first().waitFor({ timeout: 60000 });
await b.page.setViewportSize({ width: 1280, height: 1400 });
await b.page.screenshot({ path: '/tmp/settings.png', fullPage: true });
await b.close(); await server.stop();
