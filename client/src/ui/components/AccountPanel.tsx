import { createEffect, createSignal, For, Match, Show, Switch, type JSX } from 'solid-js';
import { guessDeviceName, type Account } from '../../app/account.ts';
import { clearAccountLink, pendingAccountLink } from '../account-links.ts';
import { errorMessage } from '../notices.ts';
import { formatSyncStatus } from '../sync-status.ts';
import { Icon } from './Icon.tsx';
import { SettingsSection } from './SettingsSection.tsx';

/** Settings → Account: sign up or in (which also names this device), sync status and "Sync now", devices, sign out. */
export function AccountPanel(props: { account: Account }): JSX.Element {
  const account = () => props.account.account();
  const [message, setMessage] = createSignal<{ tone: 'ok' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = createSignal(false);

  async function run(work: () => Promise<unknown>, done?: string): Promise<boolean> {
    setBusy(true);
    setMessage(null);
    try {
      await work();
      if (done) setMessage({ tone: 'ok', text: done });
      return true;
    } catch (error) {
      setMessage({ tone: 'error', text: errorMessage(error) });
      return false;
    } finally {
      setBusy(false);
    }
  }

  // An emailed link opened this tab: confirm the address at once; a reset asks for the new password below.
  createEffect(() => {
    const link = pendingAccountLink();
    if (link?.kind !== 'verify-email') return;
    clearAccountLink();
    void run(() => props.account.verifyEmail(link.token), 'Your email address is confirmed.');
  });
  const resetToken = () => (pendingAccountLink()?.kind === 'reset-password' ? pendingAccountLink()!.token : null);

  return (
    <SettingsSection id="account" title="Account">
      <div class="settings-intro">
        <p>
          <Icon name="lock" size={14} />
          With an account, this library is searchable from your other devices. Your videos never leave this device:
          only what Heimdex found in them (scenes, words, thumbnails, faces and the names you gave) is kept on your server.
        </p>
      </div>
      <Show when={message()}>
        {(m) => (
          <p class={`account-message account-message--${m().tone}`} role={m().tone === 'error' ? 'alert' : 'status'} data-testid="account-message">
            {m().text}
          </p>
        )}
      </Show>
      <Switch>
        <Match when={resetToken()}>
          {(token) => <NewPasswordForm busy={busy()} onSubmit={(password) => run(() => props.account.resetPassword(token(), password).then(clearAccountLink), 'Your password is changed. Sign in with it below.')} />}
        </Match>
        <Match when={account() === undefined}>
          <p class="settings-loading" aria-busy="true">Loading…</p>
        </Match>
        <Match when={account() === null}>
          <SignInForm account={props.account} busy={busy()} run={run} />
        </Match>
        <Match when={account()}>{(signedIn) => <SignedIn account={props.account} info={signedIn()} busy={busy()} run={run} />}</Match>
      </Switch>
    </SettingsSection>
  );
}

type Run = (work: () => Promise<unknown>, done?: string) => Promise<boolean>;

function SignInForm(props: { account: Account; busy: boolean; run: Run }): JSX.Element {
  const [email, setEmail] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [deviceName, setDeviceName] = createSignal(guessDeviceName(navigator.userAgent));
  const [forgot, setForgot] = createSignal(false);
  const ended = () => (props.account.status().phase === 'signed-out' ? props.account.status().message : null);
  const submit = (mode: 'in' | 'up') => (event: Event) => {
    event.preventDefault();
    void props.run(() => (mode === 'in' ? props.account.signIn : props.account.signUp)(email(), password(), deviceName().trim() || guessDeviceName(navigator.userAgent)));
  };
  return (
    <Show
      when={!forgot()}
      fallback={
        <form class="account-form" onSubmit={(e) => { e.preventDefault(); void props.run(() => props.account.requestPasswordReset(email()).then(() => setForgot(false)), 'If an account has this address, a link to choose a new password is on its way to it.'); }}>
          <label>
            Email
            <input type="email" autocomplete="email" required value={email()} onInput={(e) => setEmail(e.currentTarget.value)} data-testid="account-email" />
          </label>
          <div class="account-actions">
            <button type="submit" class="btn btn--primary" disabled={props.busy} data-testid="account-send-reset">Send the link</button>
            <button type="button" class="btn btn--ghost" onClick={() => setForgot(false)}>Back to sign in</button>
          </div>
        </form>
      }
    >
      <Show when={ended()}>{(text) => <p class="account-message account-message--error" role="alert" data-testid="account-ended">{text()}</p>}</Show>
      <form class="account-form" onSubmit={submit('in')} data-testid="account-form">
        <label>
          Email
          <input type="email" autocomplete="email" required value={email()} onInput={(e) => setEmail(e.currentTarget.value)} data-testid="account-email" />
        </label>
        <label>
          Password
          <input type="password" autocomplete="current-password" required minLength={8} value={password()} onInput={(e) => setPassword(e.currentTarget.value)} data-testid="account-password" />
        </label>
        <label>
          Name of this device
          <input type="text" maxLength={100} value={deviceName()} onInput={(e) => setDeviceName(e.currentTarget.value)} data-testid="account-device-name" />
        </label>
        <div class="account-actions">
          <button type="submit" class="btn btn--primary" disabled={props.busy} data-testid="account-sign-in">Sign in</button>
          <button type="button" class="btn" disabled={props.busy} onClick={submit('up')} data-testid="account-sign-up">Create account</button>
          <button type="button" class="btn btn--ghost" onClick={() => setForgot(true)} data-testid="account-forgot">Forgot your password?</button>
        </div>
      </form>
    </Show>
  );
}

function SignedIn(props: { account: Account; info: NonNullable<ReturnType<Account['account']>>; busy: boolean; run: Run }): JSX.Element {
  const status = () => props.account.status();
  return (
    <div class="account-signed-in" data-testid="account-signed-in">
      <p>
        Signed in as <strong data-testid="account-address">{props.info.email}</strong>
        <Show when={!props.info.emailVerified}>
          {' '}— not confirmed yet.{' '}
          <button type="button" class="btn btn--small btn--ghost" disabled={props.busy} onClick={() => void props.run(() => props.account.requestVerification(), 'A confirmation link is on its way to your email address.')}>
            Send the confirmation email again
          </button>
        </Show>
      </p>
      <p class="account-sync" data-testid="account-sync-status" data-phase={status().phase} data-last-synced={status().lastSyncedAt ?? ''}>
        {formatSyncStatus(status())}
        <button type="button" class="btn btn--small" disabled={status().phase === 'syncing'} onClick={() => void props.run(() => props.account.syncNow())} data-testid="sync-now">
          <Icon name="retry" size={16} /> Sync now
        </button>
      </p>
      <h3>Devices</h3>
      <ul class="account-devices" data-testid="account-devices">
        <For each={props.account.devices()}>
          {(device) => (
            <li data-testid="account-device" data-device-id={device.deviceId}>
              <Show when={device.deviceId !== props.info.deviceId}>
                <span>{device.name}</span>
              </Show>
              <Show when={device.deviceId === props.info.deviceId} fallback={
                <button type="button" class="btn btn--small btn--quiet-danger" disabled={props.busy}
                  onClick={() => confirm(`Remove “${device.name}” from your account? It stops syncing until it signs in again; nothing on it is deleted.`) && void props.run(() => props.account.removeDevice(device.deviceId))}>
                  Remove
                </button>
              }>
                <ThisDevice name={device.name} busy={props.busy} onRename={(name) => props.run(() => props.account.renameDevice(device.deviceId, name))} />
              </Show>
            </li>
          )}
        </For>
      </ul>
      <button type="button" class="btn" disabled={props.busy} onClick={() => void props.run(() => props.account.signOut())} data-testid="account-sign-out">
        Sign out
      </button>
    </div>
  );
}

function NewPasswordForm(props: { busy: boolean; onSubmit: (password: string) => void }): JSX.Element {
  const [password, setPassword] = createSignal('');
  return (
    <form class="account-form" onSubmit={(e) => { e.preventDefault(); props.onSubmit(password()); }} data-testid="account-new-password-form">
      <label>
        New password
        <input type="password" autocomplete="new-password" required minLength={8} value={password()} onInput={(e) => setPassword(e.currentTarget.value)} data-testid="account-new-password" />
      </label>
      <div class="account-actions">
        <button type="submit" class="btn btn--primary" disabled={props.busy}>Set the new password</button>
      </div>
    </form>
  );
}

/** This device in the list: its name, renamed in place (Enter saves, Escape cancels). */
function ThisDevice(props: { name: string; busy: boolean; onRename: (name: string) => Promise<boolean> }): JSX.Element {
  const [editing, setEditing] = createSignal(false);
  const [draft, setDraft] = createSignal('');
  const save = async () => {
    const name = draft().trim();
    if (name && name !== props.name && !(await props.onRename(name))) return;
    setEditing(false);
  };
  return (
    <Show
      when={editing()}
      fallback={
        <>
          <span>
            {props.name} <span class="account-this-device">(this device)</span>
          </span>
          <button type="button" class="btn btn--small btn--ghost" disabled={props.busy} data-testid="rename-device" onClick={() => (setDraft(props.name), setEditing(true))}>
            Rename
          </button>
        </>
      }
    >
      <input
        type="text"
        maxLength={100}
        aria-label="Name of this device"
        value={draft()}
        ref={(el) => queueMicrotask(() => el.focus())}
        onInput={(e) => setDraft(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') void save();
          if (e.key === 'Escape') setEditing(false);
        }}
        data-testid="device-name-input"
      />
      <button type="button" class="btn btn--small" disabled={props.busy} onClick={() => void save()}>
        Save
      </button>
    </Show>
  );
}
