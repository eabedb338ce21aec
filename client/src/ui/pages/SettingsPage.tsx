import { createEffect, createSignal, For, Match, Show, Switch, type JSX } from 'solid-js';
import { useSearchParams } from '@solidjs/router';
import type { ModelStatus } from '../../ml/registry.ts';
import { useApp } from '../context.tsx';
import { DEVICE_LABELS, describeModel, devicesInUse, sortModels, TASK_LABELS, TASK_PURPOSES } from '../models.ts';
import { createDocumentTitle, createLoader } from '../reactive.ts';
import { Icon, type IconName } from '../components/Icon.tsx';
import { ProgressBar } from '../components/ProgressBar.tsx';
import { VisualModelPicker } from '../components/VisualModelPicker.tsx';
import { AccountPanel } from '../components/AccountPanel.tsx';
import { BackupPanel } from '../components/BackupPanel.tsx';
import { StoragePanel } from '../components/StoragePanel.tsx';

const CONDITION_ICONS: Record<ReturnType<typeof describeModel>['condition'], IconName> = {
  loaded: 'check',
  ready: 'check',
  downloading: 'download',
  missing: 'alert',
  failed: 'alert',
};

/** Settings (route /settings): the account and sync, the models of this device (download, remove, where they run), the visual model choice, and backup. */
export function SettingsPage(): JSX.Element {
  const { library, videos } = useApp();
  createDocumentTitle(() => 'Settings');

  // Asked again on "Check again", when a download ends or a model is removed, and whenever a video moves
  // to another stage: models load during indexing, so a stage change is when "loaded" can appear.
  const [checks, setChecks] = createSignal(0);
  const pipelineKey = () => videos.map((video) => `${video.videoId}:${video.state}:${video.stage ?? ''}`).join('|');
  const models = createLoader(
    () => `${checks()}|${library.models.changes()}|${pipelineKey()}`,
    () => library.models.list().then(sortModels),
  );
  // Which scenes visual search covers with the chosen model: synced scenes of another model are not among them.
  const selectedVisual = () => models.value()?.find((m) => m.task === 'visual' && m.selected)?.id ?? null;
  const coverage = createLoader(
    () => (selectedVisual() ? `${selectedVisual()}|${pipelineKey()}|${library.account.status().received}` : null),
    () => library.visualModel.coverage(selectedVisual()!),
  );
  // Only a check the user asked for shows "Checking…" (the automatic ones are quiet).
  const [checking, setChecking] = createSignal(false);
  createEffect(() => {
    if (!models.loading()) setChecking(false);
  });
  const checkAgain = () => {
    setChecking(true);
    setChecks((n) => n + 1);
  };
  // Arriving from a gap ("Download the speech model"): bring that task's model into view, marked.
  const [params] = useSearchParams<{ models?: string }>();
  createEffect(() => {
    const task = params.models;
    if (!task || !models.value()) return;
    requestAnimationFrame(() =>
      document.querySelector(`[data-testid="model-row"][data-task="${CSS.escape(task)}"][data-selected="true"]`)?.scrollIntoView({ block: 'center' }),
    );
  });

  return (
    <section class="page settings" aria-labelledby="settings-heading">
      <header class="page-header">
        <div>
          <h1 id="settings-heading" tabIndex={-1}>
            Settings
          </h1>
          <p class="page-subtitle">Your account, and how Heimdex understands your videos on this device.</p>
        </div>
      </header>

      <AccountPanel account={library.account} />

      <StoragePanel storage={library.storage} changeKey={videos.map((video) => `${video.videoId}:${video.state}`).join('|')} />

      <section class="panel settings-panel" id="models" aria-labelledby="models-heading">
        <div class="panel-header">
          <h2 id="models-heading">Models</h2>
          <Show when={models.value()}>{(list) => <span class="panel-count">{list().length}</span>}</Show>
          <button
            type="button"
            class="btn btn--small panel-action"
            data-testid="models-refresh"
            disabled={checking()}
            onClick={checkAgain}
          >
            <Icon name="retry" size={16} />
            {checking() ? 'Checking…' : 'Check again'}
          </button>
        </div>

        <div class="settings-intro">
          <p>
            <Icon name="lock" size={14} />
            Speech, images, on-screen text and faces are recognised by models that run here, in this browser. Your
            videos and what is found in them are never uploaded.
          </p>
          <p class="muted">
            Models are kept in this browser, so indexing works offline. Without a model its part of indexing is
            skipped; once you download it, videos are filled in by themselves.
          </p>
        </div>

        <RuntimeFacts models={models.value() ?? []} />

        <Show when={coverage.value()}>
          {(c) => (
            <p class="muted visual-coverage" data-testid="visual-coverage" data-covered={c().covered} data-total={c().total}>
              {coverageText(c())}
            </p>
          )}
        </Show>

        <Show when={(models.value() ?? []).filter((m) => m.task === 'visual')}>
          {(visual) => (
            <Show when={visual().length > 1}>
              <VisualModelPicker
                models={visual()}
                choose={library.visualModel.choose}
                download={(id) => void library.models.download(id).catch(() => undefined)}
                progress={library.visualModel.progress}
                pipelineKey={pipelineKey()}
                onChosen={() => setChecks((n) => n + 1)}
              />
            </Show>
          )}
        </Show>

        <Switch>
          <Match when={models.value()}>
            {(list) => (
              <Show when={list().length > 0} fallback={<p class="muted">This version of Heimdex offers no models.</p>}>
                <ul class="model-list" role="list">
                  <For each={list()}>{(model) => <ModelRow model={model} />}</For>
                </ul>
              </Show>
            )}
          </Match>
          <Match when={models.error()}>
            <p class="error-text error-box" role="alert">
              Could not check the models: {models.error()}
            </p>
          </Match>
          <Match when={true}>
            <p class="settings-loading" aria-busy="true">
              <span class="spinner" aria-hidden="true" />
              Checking the models…
            </p>
          </Match>
        </Switch>
        <Show when={models.value() && models.error()}>
          <p class="error-text">Could not check again: {models.error()}</p>
        </Show>
      </section>

      <BackupPanel backup={library.backup} videosKey={videos.map((video) => `${video.videoId}:${video.state}`).join('|')} />
    </section>
  );
}

function ModelRow(props: { model: ModelStatus }): JSX.Element {
  const { library } = useApp();
  const [params] = useSearchParams<{ models?: string }>();
  const wanted = () => params.models === props.model.task && props.model.selected;
  const view = () => describeModel(props.model, library.models.installs()[props.model.id]);
  const [confirmRemove, setConfirmRemove] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const remove = async () => {
    setBusy(true);
    try {
      await library.models.remove(props.model.id);
    } finally {
      setBusy(false);
      setConfirmRemove(false);
    }
  };
  return (
    <li
      class={`model-row model-row--${view().condition}${props.model.default ? '' : ' model-row--alternative'}${wanted() ? ' model-row--wanted' : ''}`}
      data-testid="model-row"
      data-model-id={props.model.id}
      data-task={props.model.task}
      data-present={props.model.present ? 'true' : 'false'}
      data-condition={view().condition}
      data-device={props.model.device ?? ''}
      data-selected={props.model.selected ? 'true' : 'false'}
    >
      <div class="model-main">
        <div class="model-heading">
          <span class="model-task">{TASK_LABELS[props.model.task]}</span>
          <Show when={props.model.default}>
            <span class="tag">Default</span>
          </Show>
          <Show when={props.model.selected}>
            <span class="tag" data-testid="model-in-use">In use</span>
          </Show>
        </div>
        <p class="model-purpose">{TASK_PURPOSES[props.model.task]}</p>
        <p class="model-name muted">
          {props.model.name}
          <Show when={view().size}>{(size) => <> · {size()}</>}</Show>
          <Show when={props.model.bundled}> · comes with Heimdex</Show>
        </p>
      </div>
      <div class="model-side">
        <p class="model-status" data-testid="model-status" aria-live="polite">
          <Icon name={CONDITION_ICONS[view().condition]} size={16} />
          {view().label}
        </p>
        <Show when={view().condition === 'downloading'}>
          <ProgressBar value={view().progress ?? 0} label={`Downloading the ${TASK_LABELS[props.model.task].toLowerCase()} model`} testid="model-progress" />
        </Show>
        <div class="model-actions">
          <Show when={view().actions.includes('download')}>
            <button
              type="button"
              class="btn btn--small btn--primary"
              data-testid="model-download"
              onClick={() => void library.models.download(props.model.id).catch(() => undefined)}
            >
              <Icon name="download" size={16} />
              {props.model.storedBytes > 0 || view().condition === 'failed' ? 'Continue download' : 'Download'}
            </button>
          </Show>
          <Show when={view().actions.includes('cancel')}>
            <button type="button" class="btn btn--small" data-testid="model-cancel" onClick={() => library.models.cancel(props.model.id)}>
              Pause
            </button>
          </Show>
          <Show when={view().actions.includes('remove')}>
            <Show
              when={confirmRemove()}
              fallback={
                <button type="button" class="btn btn--small" data-testid="model-remove" onClick={() => setConfirmRemove(true)}>
                  Remove
                </button>
              }
            >
              <span class="model-confirm">
                Its part of indexing is skipped until you download it again.
                <button type="button" class="btn btn--small btn--danger" data-testid="model-remove-confirm" disabled={busy()} onClick={() => void remove()}>
                  Remove
                </button>
                <button type="button" class="btn btn--small" onClick={() => setConfirmRemove(false)}>
                  Keep
                </button>
              </span>
            </Show>
          </Show>
        </div>
      </div>
      <Show when={view().detail}>
        {(detail) => (
          <p class={view().condition === 'failed' ? 'model-detail error-text' : 'model-detail'} role={view().condition === 'failed' ? 'alert' : undefined} data-testid="model-detail">
            {detail()}
          </p>
        )}
      </Show>
    </li>
  );
}

/** Whether WASM may use threads (the page must be cross-origin isolated) and which device runs the models. */
function RuntimeFacts(props: { models: readonly ModelStatus[] }): JSX.Element {
  const isolated = typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated;
  const cores = navigator.hardwareConcurrency || null;
  const offersWebGpu = 'gpu' in navigator;
  const device = () => {
    const used = devicesInUse(props.models);
    if (used.length > 0) return used.map((d) => DEVICE_LABELS[d]).join(' and ');
    return null;
  };

  return (
    <dl class="runtime-facts" data-testid="runtime-facts">
      <div class="runtime-fact" data-testid="isolation" data-isolated={isolated ? 'true' : 'false'}>
        <dt>Threads</dt>
        <dd>
          <Show
            when={isolated}
            fallback={
              <>
                <span class="fact-value fact-value--warn">Not available</span>
                <span class="fact-note">The page is not cross-origin isolated, so models run on a single thread (slower).</span>
              </>
            }
          >
            <span class="fact-value fact-value--ok">Available</span>
            <span class="fact-note">
              Cross-origin isolated{cores ? `; this device has ${cores} cores` : ''}.
            </span>
          </Show>
        </dd>
      </div>
      <div class="runtime-fact" data-testid="device" data-device={devicesInUse(props.models)[0] ?? ''}>
        <dt>Device</dt>
        <dd>
          <Show
            when={device()}
            fallback={
              <>
                <span class="fact-value">Not known yet</span>
                <span class="fact-note">
                  It is chosen when a model first loads, while a video is indexed.{' '}
                  {offersWebGpu ? 'This browser offers WebGPU.' : 'This browser has no WebGPU, so models will run on WASM.'}
                </span>
              </>
            }
          >
            {(name) => (
              <>
                <span class="fact-value fact-value--ok">{name()}</span>
                <span class="fact-note">Where the loaded models run.</span>
              </>
            )}
          </Show>
        </dd>
      </div>
    </dl>
  );
}

function coverageText({ covered, total }: { covered: number; total: number }): string {
  if (total === 0) return 'Visual search will cover the scenes of the videos you add.';
  if (covered === total) return `Visual search covers all ${total} scenes of this library.`;
  return `Visual search covers ${covered} of ${total} scenes: the others were embedded by another visual model (on another device, or before a change of model), or not yet.`;
}
