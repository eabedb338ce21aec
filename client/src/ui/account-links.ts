// The links the server emails (`<app>/#verify-email=<token>`, `#reset-password=<token>`): read once at start, the
// token kept for Settings → Account, and the address turned into the Settings page (so the token does not stay in
// the address bar or the history).
import { createSignal } from 'solid-js';

export interface AccountLink {
  kind: 'verify-email' | 'reset-password';
  token: string;
}

const LINK = /^#(verify-email|reset-password)=([A-Za-z0-9_-]{20,200})$/;

export function parseAccountLink(hash: string): AccountLink | null {
  const match = LINK.exec(hash);
  return match ? { kind: match[1] as AccountLink['kind'], token: match[2]! } : null;
}

const [pending, setPending] = createSignal<AccountLink | null>(null);
/** The emailed link this tab was opened with, until Settings → Account has dealt with it. */
export const pendingAccountLink = pending;
export const clearAccountLink = () => setPending(null);

/** Call before the router reads the address. */
export function takeAccountLink(): void {
  const link = parseAccountLink(location.hash);
  if (!link) return;
  setPending(link);
  history.replaceState(history.state, '', `${location.pathname}${location.search}#/settings`);
}
