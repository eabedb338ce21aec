// The origins the built app may download models from: every hub source named in its models.json (a mirror,
// or a test's stand-in hub), plus the Hugging Face hosts. Read once at start for the CSP's connect-src.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HUB_ORIGINS } from '../middleware/security-headers.ts';

export function modelOrigins(staticDir: string | undefined): string[] {
  const origins = new Set(HUB_ORIGINS);
  if (!staticDir) return [...origins];
  try {
    const manifest = JSON.parse(readFileSync(join(staticDir, 'models', 'models.json'), 'utf8')) as { models?: { source?: { url?: unknown } }[] };
    for (const model of manifest.models ?? []) {
      if (typeof model.source?.url === 'string') origins.add(new URL(model.source.url).origin);
    }
  } catch {
    // No build or no manifest: the hub hosts alone.
  }
  return [...origins];
}
