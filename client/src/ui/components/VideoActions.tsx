import { createSignal, onMount, Show, type JSX } from 'solid-js';
import type { VideoCard } from '../../app/cards.ts';
import { useApp } from '../context.tsx';
import { isInProgress } from '../labels.ts';
import { errorMessage } from '../notices.ts';
import { Icon } from './Icon.tsx';

type Action = 'retry' | 'cancel' | 'delete';

/** Retry is offered only where it can help (`retryable`: not for an empty file or one that is not a video). */
export type VideoActionsProps = Pick<VideoCard, 'videoId' | 'title' | 'state' | 'retryable'> & {
  /** Called once the video is gone (the Video page goes back to the Library). */
  onDeleted?: () => void;
  /** Called when deletion starts, before the video disappears from the list. */
  onDeleting?: () => void;
};

/** Retry (a failure a retry can help), Cancel (in progress) and Delete with a confirm step. Failures become notices. */
export function VideoActions(props: VideoActionsProps): JSX.Element {
  const { library, notices } = useApp();
  const [busy, setBusy] = createSignal<Action | null>(null);
  const [confirming, setConfirming] = createSignal(false);
  let deleteButton: HTMLButtonElement | undefined;

  async function run(action: Action, work: () => Promise<void>, failure: string): Promise<boolean> {
    setBusy(action);
    try {
      await work();
      return true;
    } catch (error) {
      notices.push({ status: 'error', title: `${failure} “${props.title}”`, message: errorMessage(error), videoId: props.videoId });
      return false;
    } finally {
      setBusy(null);
    }
  }

  const closeConfirm = () => {
    setConfirming(false);
    queueMicrotask(() => deleteButton?.focus());
  };

  const confirmDelete = async () => {
    props.onDeleting?.();
    const removed = await run('delete', () => library.remove(props.videoId), 'Could not delete');
    setConfirming(false);
    if (removed) props.onDeleted?.();
  };

  return (
    <div class="actions">
      <Show when={props.state === 'FAILED' && props.retryable && !confirming()}>
        <button
          type="button"
          class="btn btn--small"
          data-testid="retry"
          disabled={busy() !== null}
          onClick={() => void run('retry', () => library.retry(props.videoId), 'Could not retry')}
        >
          <Icon name="retry" size={16} />
          {busy() === 'retry' ? 'Retrying…' : 'Retry'}
        </button>
      </Show>
      <Show when={isInProgress(props.state) && !confirming()}>
        <button
          type="button"
          class="btn btn--small"
          data-testid="cancel"
          disabled={busy() !== null}
          onClick={() => void run('cancel', () => library.cancel(props.videoId), 'Could not cancel')}
        >
          <Icon name="stop" size={16} />
          {busy() === 'cancel' ? 'Cancelling…' : 'Cancel'}
        </button>
      </Show>
      <Show
        when={confirming()}
        fallback={
          <button
            ref={deleteButton}
            type="button"
            class="btn btn--small btn--quiet-danger"
            data-testid="delete"
            disabled={busy() !== null}
            onClick={() => setConfirming(true)}
          >
            <Icon name="trash" size={16} />
            Delete
          </button>
        }
      >
        <ConfirmDelete title={props.title} busy={busy() === 'delete'} onConfirm={() => void confirmDelete()} onKeep={closeConfirm} />
      </Show>
    </div>
  );
}

function ConfirmDelete(props: { title: string; busy: boolean; onConfirm: () => void; onKeep: () => void }): JSX.Element {
  let keep: HTMLButtonElement | undefined;
  // Focus lands on the safe choice: pressing Enter twice never deletes.
  onMount(() => keep?.focus());
  return (
    <div
      class="confirm"
      role="group"
      aria-label={`Delete “${props.title}”?`}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.stopPropagation();
          props.onKeep();
        }
      }}
    >
      <span class="confirm-text">Delete this video and its index?</span>
      <button type="button" class="btn btn--small btn--danger" data-testid="confirm-delete" disabled={props.busy} onClick={() => props.onConfirm()}>
        {props.busy ? 'Deleting…' : 'Delete'}
      </button>
      <button ref={keep} type="button" class="btn btn--small" disabled={props.busy} onClick={() => props.onKeep()}>
        Keep
      </button>
    </div>
  );
}
