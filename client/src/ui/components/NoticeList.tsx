import { For, Show, type JSX } from 'solid-js';
import { A } from '@solidjs/router';
import { useApp } from '../context.tsx';
import type { Notice } from '../notices.ts';
import { Icon, type IconName } from './Icon.tsx';

const ICONS: Record<Notice['status'], IconName> = {
  pending: 'upload',
  added: 'check',
  duplicate: 'copy',
  failed: 'alert',
  error: 'alert',
  info: 'info',
};

/**
 * Import results and action errors, after `children` (notices that are not in the list, such as the
 * update prompt). The live region is always in the DOM (a region inserted together with its first
 * message is not announced), and polite: results never interrupt.
 */
export function NoticeList(props: { children?: JSX.Element }): JSX.Element {
  const { notices } = useApp();
  return (
    <section class="notices" aria-live="polite" aria-label="Notifications">
      <Show when={notices.list().length > 1}>
        <button type="button" class="btn btn--small btn--ghost notices-clear" onClick={() => notices.dismissAll()}>
          Dismiss all
        </button>
      </Show>
      {props.children}
      <ol class="notice-list">
        <For each={notices.list()}>
          {(notice) => (
            <li class={`notice notice--${notice.status}`} data-testid="notice" data-status={notice.status}>
              <span class="notice-icon">
                <Show when={notice.status !== 'pending'} fallback={<span class="spinner" aria-hidden="true" />}>
                  <Icon name={ICONS[notice.status]} />
                </Show>
              </span>
              <div class="notice-body">
                <p class="notice-title">{notice.title}</p>
                <Show when={notice.message}>
                  <p class="notice-message">{notice.message}</p>
                </Show>
                <Show when={notice.videoId && notice.status !== 'failed' && notice.status !== 'pending'}>
                  <A class="notice-link" href={`/video/${encodeURIComponent(notice.videoId ?? '')}`} onClick={() => notices.dismiss(notice.id)}>
                    Open video
                  </A>
                </Show>
              </div>
              <button type="button" class="icon-btn" aria-label={`Dismiss: ${notice.title}`} onClick={() => notices.dismiss(notice.id)}>
                <Icon name="close" size={16} />
              </button>
            </li>
          )}
        </For>
      </ol>
    </section>
  );
}
