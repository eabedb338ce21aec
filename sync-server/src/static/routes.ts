import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';

/**
 * The built client. Hashed assets are cached for good; `/models/*` answers real 404s (a missing model
 * under an SPA fallback would return index.html and fail as "Unexpected token '<'", STACK-NOTES).
 */
export function staticRoutes(staticDir: string) {
  const root = relative(process.cwd(), resolve(staticDir)) || '.';
  const app = new Hono();
  if (!existsSync(resolve(staticDir, 'index.html'))) {
    app.get('/', (c) => c.text(`The client is not built: run "npm run build" (looked in ${staticDir}).`, 503));
    return app;
  }
  app.use('/assets/*', async (c, next) => {
    await next();
    if (c.res.status === 200) c.res.headers.set('Cache-Control', 'public, max-age=31536000, immutable');
  });
  app.use('/*', serveStatic({ root }));
  app.get('/models/*', (c) => c.text('Model file not found', 404));
  app.get('/assets/*', (c) => c.text('Not found', 404));
  // Hash routing: every page is index.html.
  app.get('/', serveStatic({ root, path: 'index.html' }));
  return app;
}
