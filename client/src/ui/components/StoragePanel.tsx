import { createSignal, For, Match, Show, Switch, type JSX } from 'solid-js';
import { LOW_FREE_BYTES, LOW_FREE_SHARE, STORAGE_PART_LABELS, type StorageReport } from '../../app/storage.ts';
import type { LibraryStorage } from '../../app/storage-usage.ts';
import { formatBytes } from '../format.ts';
import { errorMessage } from '../notices.ts';
import { createLoader } from '../reactive.ts';
import { Icon } from './Icon.tsx';
import { SettingsSection } from './SettingsSection.tsx';

const WARNING_RULE =
  `A warning shows when less than ${Math.round(LOW_FREE_SHARE * 100)}% of the space Heimdex could use or less than ` +
  `${formatBytes(LOW_FREE_BYTES)} is free: below that, the next import may not fit.`;

/**
 * Settings → Storage: whether the browser keeps the library (and a button to ask it to), what each part of the
 * library takes, how much space the browser grants, and a warning before it runs out. `changeKey` changes when
 * the library does (a video added, indexed or deleted): the figures are measured again then.
 */
export function StoragePanel(props: { storage: LibraryStorage; changeKey: string }): JSX.Element {
  const [checks, setChecks] = createSignal(0);
  const report = createLoader(
    () => `${checks()}|${props.changeKey}`,
    () => props.storage.report(),
  );
  const persisted = createLoader(
    () => String(checks()),
    () => props.storage.isPersisted(),
  );

  return (
    <SettingsSection
      id="storage"
      title="Storage"
      actions={
        <button type="button" class="btn btn--small panel-action" data-testid="storage-refresh" disabled={report.loading()} onClick={() => setChecks((n) => n + 1)}>
          <Icon name="retry" size={16} />
          {report.loading() ? 'Measuring…' : 'Check again'}
        </button>
      }
    >
      <Persistence persisted={persisted.value()} storage={props.storage} onChanged={() => setChecks((n) => n + 1)} />

      <Switch>
        <Match when={report.value()}>{(value) => <Figures report={value()} />}</Match>
        <Match when={report.error()}>
          <p class="error-text error-box" role="alert">
            Could not measure the storage: {report.error()}
          </p>
        </Match>
        <Match when={true}>
          <p class="settings-loading" aria-busy="true">
            <span class="spinner" aria-hidden="true" />
            Measuring what the library keeps…
          </p>
        </Match>
      </Switch>
    </SettingsSection>
  );
}

function Persistence(props: { persisted: boolean | null | undefined; storage: LibraryStorage; onChanged: () => void }): JSX.Element {
  const [busy, setBusy] = createSignal(false);
  const [refused, setRefused] = createSignal<string | null>(null);
  const ask = async () => {
    setBusy(true);
    setRefused(null);
    try {
      const granted = await props.storage.askToPersist();
      if (!granted) {
        setRefused(
          'The browser did not allow it. Browsers usually allow it for sites you use often, bookmark or install: ' +
            'install Heimdex as an app, or keep using it, then try again.',
        );
      }
    } catch (error) {
      setRefused(errorMessage(error));
    } finally {
      setBusy(false);
      props.onChanged();
    }
  };
  return (
    <div
      class="storage-persistence runtime-fact"
      data-testid="storage-persisted"
      data-persisted={props.persisted === undefined ? '' : String(props.persisted)}
    >
      <Switch>
        <Match when={props.persisted === true}>
          <p>
            <span class="fact-value fact-value--ok">
              <Icon name="check" size={16} /> Kept on this device
            </span>
            <span class="fact-note">The browser will not clear the library to make room; only you can remove it.</span>
          </p>
        </Match>
        <Match when={props.persisted === false}>
          <p>
            <span class="fact-value fact-value--warn">
              <Icon name="alert" size={16} /> May be cleared by the browser
            </span>
            <span class="fact-note">
              When this device runs low on space, the browser may delete the library — your videos, their index and
              the names you gave people — unless you let Heimdex keep it.
            </span>
          </p>
          <button type="button" class="btn btn--small btn--primary" data-testid="storage-persist" disabled={busy()} onClick={() => void ask()}>
            Keep my library on this device
          </button>
        </Match>
        <Match when={props.persisted === null}>
          <p class="fact-note">This browser does not say whether it keeps the library when space runs low.</p>
        </Match>
      </Switch>
      <Show when={refused()}>
        {(text) => (
          <p class="fact-note storage-refused" role="status" data-testid="storage-persist-refused">
            {text()}
          </p>
        )}
      </Show>
    </div>
  );
}

function Figures(props: { report: StorageReport }): JSX.Element {
  const r = () => props.report;
  const total = () => (r().usage ?? 0) + (r().free ?? 0);
  const usedShare = () => (total() > 0 ? (r().usage ?? 0) / total() : 0);
  return (
    <>
      <div
        class="storage-usage"
        data-testid="storage-usage"
        data-usage={r().usage ?? ''}
        data-quota={r().quota ?? ''}
        data-free={r().free ?? ''}
      >
        <Show when={r().usage !== null && r().free !== null} fallback={<p class="muted">This browser does not say how much space it grants.</p>}>
          <p>
            <span class="fact-value">{formatBytes(r().usage)} used</span>, {formatBytes(r().free)} free for Heimdex in this browser.
          </p>
          <meter class="storage-meter" min={0} max={1} low={1 - LOW_FREE_SHARE} high={1 - LOW_FREE_SHARE / 2} optimum={0} value={usedShare()} aria-label="Storage used" />
          <Show when={r().quota}>
            {(quota) => (
              <p class="muted storage-quota">
                The browser reports a quota of {formatBytes(quota())}; the free space above is what it would really accept
                now, which can be less.
              </p>
            )}
          </Show>
        </Show>
      </div>
      <Show when={r().warning}>
        {(warning) => (
          <p class="error-box storage-warning" role="alert" data-testid="storage-warning">
            <Icon name="alert" size={16} /> {warning()}
          </p>
        )}
      </Show>
      <p class="muted storage-rule">{WARNING_RULE}</p>
      <dl class="storage-parts">
        <For each={r().parts}>
          {(part) => (
            <div class="storage-part" data-testid="storage-part" data-part={part.part} data-bytes={part.bytes ?? ''}>
              <dt>{STORAGE_PART_LABELS[part.part].label}</dt>
              <dd>
                <span class="storage-bytes">{part.bytes === null ? 'Not measured' : formatBytes(part.bytes)}</span>
                <span class="fact-note">{STORAGE_PART_LABELS[part.part].note}</span>
              </dd>
            </div>
          )}
        </For>
        <Show when={r().setAside}>
          {(bytes) => (
            <div class="storage-part" data-testid="storage-part" data-part="set-aside" data-bytes={bytes()}>
              <dt>Set aside by the browser</dt>
              <dd>
                <span class="storage-bytes">{formatBytes(bytes())}</span>
                <span class="fact-note">
                  Room the browser counts for the library database’s open files beyond what they hold, and its own records.
                </span>
              </dd>
            </div>
          )}
        </Show>
      </dl>
    </>
  );
}
