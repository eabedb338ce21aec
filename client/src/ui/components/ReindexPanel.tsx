import { createSignal, type JSX } from 'solid-js';
import { A } from '@solidjs/router';
import { useApp } from '../context.tsx';
import { errorMessage } from '../notices.ts';
import { Icon } from './Icon.tsx';

/**
 * Offered on an indexed video some of whose stages were skipped: Re-index runs them again (they also fill in
 * by themselves once their models are downloaded). What it queued, or that there was nothing to do, becomes a notice.
 */
export function ReindexPanel(props: { videoId: string; title: string }): JSX.Element {
  const { library, notices } = useApp();
  const [busy, setBusy] = createSignal(false);

  const reindex = async () => {
    setBusy(true);
    try {
      const queued = await library.reindex(props.videoId);
      notices.push(
        queued > 0
          ? {
              status: 'info',
              title: `${queued} ${queued === 1 ? 'stage' : 'stages'} queued for “${props.title}”`,
              message: 'They run now; what they find shows up here when they finish.',
            }
          : {
              status: 'info',
              title: `Nothing to fill in for “${props.title}”`,
              message: 'Every stage that can run has run. A stage skipped for a missing model runs by itself once the model is downloaded.',
            },
      );
    } catch (error) {
      notices.push({ status: 'error', title: `Could not re-index “${props.title}”`, message: errorMessage(error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="reindex">
      <p class="reindex-text">
        Some stages were skipped. Once their models are on this device (<A href="/settings">download them in Settings</A>), the
        video fills in by itself; Re-index runs them again now.
      </p>
      <button type="button" class="btn btn--small" data-testid="reindex" disabled={busy()} onClick={() => void reindex()}>
        <Icon name="retry" size={16} />
        {busy() ? 'Re-indexing…' : 'Re-index'}
      </button>
    </div>
  );
}
