import { Show, type JSX } from 'solid-js';
import { updateHint } from '../app-update.ts';
import { useApp } from '../context.tsx';
import type { AppUpdate } from '../service-worker.ts';
import { Icon } from './Icon.tsx';

/** "Update available — Reload", among the notices: it never blocks the page, and reloading is the person's call. */
export function UpdatePrompt(props: { update: AppUpdate }): JSX.Element {
  const { videos } = useApp();
  return (
    <Show when={props.update.available()}>
      <div class="notice notice--info update-prompt" data-testid="update-prompt">
        <span class="notice-icon">
          <Icon name="retry" />
        </span>
        <div class="notice-body">
          <p class="notice-title">Update available</p>
          <p class="notice-message">{updateHint(videos.map((video) => video.state))}</p>
        </div>
        <button type="button" class="btn btn--small btn--primary" data-testid="update-reload" onClick={() => props.update.reload()}>
          Reload
        </button>
        <button type="button" class="icon-btn" aria-label="Not now: update later" onClick={() => props.update.dismiss()}>
          <Icon name="close" size={16} />
        </button>
      </div>
    </Show>
  );
}
