import { createMemo, createSignal, For, Match, Show, Switch, type JSX } from 'solid-js';
import { A, useParams } from '@solidjs/router';
import { useApp } from '../context.tsx';
import type { PersonSummary } from '../../app/people.ts';
import { createDocumentTitle, createLoader, type Loaded } from '../reactive.ts';
import { Icon } from '../components/Icon.tsx';
import { OpeningLibrary } from '../components/OpeningLibrary.tsx';
import { countOf, PersonCard } from '../components/PersonCard.tsx';
import { MergeSuggestions } from '../components/MergeSuggestions.tsx';
import { PersonDetail } from '../components/PersonDetail.tsx';

/**
 * People (routes /people and /people/:id): everyone grouped from the faces in the videos, and one
 * person's page. Re-read when the pipeline moves on (grouping runs as a stage) and after every change.
 */
export function PeoplePage(): JSX.Element {
  const { library, videos } = useApp();
  const params = useParams<{ id?: string }>();
  const [version, setVersion] = createSignal(0);
  const refresh = () => setVersion((n) => n + 1);
  const pipelineKey = () => videos.map((video) => `${video.videoId}:${video.state}:${video.stage ?? ''}`).join('|');
  // Read again after an edit here, as the pipeline moves, and when sync brought changes from another device.
  const changes = () => `${version()}|${pipelineKey()}|${library.account.status().received}`;
  const people = createLoader(changes, () => library.people.list());

  return (
    <section class="page people-page" aria-labelledby={params.id ? undefined : 'people-heading'}>
      <Show when={params.id} fallback={<PeopleGrid people={people} changes={changes()} onChanged={refresh} />}>
        {(id) => (
          <>
            <nav class="breadcrumb" aria-label="Breadcrumb">
              <A href="/people" class="back-link">
                <Icon name="back" size={16} />
                People
              </A>
            </nav>
            <PersonDetail personId={id()} people={people.value() ?? []} version={version()} onChanged={refresh} />
          </>
        )}
      </Show>
    </section>
  );
}

function PeopleGrid(props: { people: Loaded<PersonSummary[]>; changes: string; onChanged: () => void }): JSX.Element {
  const { library } = useApp();
  createDocumentTitle(() => 'People');
  const [showHidden, setShowHidden] = createSignal(false);
  const all = () => props.people.value() ?? [];
  const hiddenCount = createMemo(() => all().filter((p) => p.hidden).length);
  const shown = createMemo(() => all().filter((p) => showHidden() || !p.hidden));
  // Faces are only found when face-api's model is installed: say so instead of an unexplained empty page.
  const facesModel = createLoader(
    () => 'faces',
    async () => (await library.models.list()).find((m) => m.task === 'faces' && m.default) ?? null,
  );
  const facesMissing = () => {
    const model = facesModel.value();
    return model !== undefined && (model === null || !model.present);
  };

  return (
    <>
      <header class="page-header">
        <div>
          <h1 id="people-heading" tabIndex={-1}>
            People
          </h1>
          <Show when={all().length > 0}>
            <p class="page-subtitle">
              {countOf(all().length, 'person', 'people')}
              <Show when={hiddenCount() > 0}> · {hiddenCount()} hidden</Show>
            </p>
          </Show>
        </div>
        <Show when={hiddenCount() > 0}>
          <label class="people-toggle">
            <input
              type="checkbox"
              data-testid="show-hidden"
              checked={showHidden()}
              onChange={(event) => setShowHidden(event.currentTarget.checked)}
            />
            Show hidden
          </label>
        </Show>
      </header>

      <Show when={facesMissing()}>
        <p class="people-note" data-testid="faces-model-missing" role="note">
          <Icon name="info" size={16} />
          <span>
            The face model is not on this device, so new videos are not searched for faces. <A href="/settings">Download it in Settings</A>.
          </span>
        </p>
      </Show>

      <MergeSuggestions people={all()} version={props.changes} onChanged={props.onChanged} />

      <Switch>
        <Match when={shown().length > 0}>
          <ul class="people-grid" role="list">
            <For each={shown()}>
              {(person) => (
                <li>
                  <PersonCard person={person} />
                </li>
              )}
            </For>
          </ul>
        </Match>
        <Match when={props.people.error()}>
          <p class="error-text error-box" role="alert">
            Could not load the people: {props.people.error()}
          </p>
        </Match>
        <Match when={props.people.value() === undefined}>
          <OpeningLibrary />
        </Match>
        <Match when={all().length > 0}>
          <div class="empty">
            <h2>Everyone here is hidden</h2>
            <p>Tick “Show hidden” to see them.</p>
          </div>
        </Match>
        <Match when={true}>
          <div class="empty" data-testid="people-empty">
            <div class="empty-art" aria-hidden="true">
              <Icon name="face" size={40} />
            </div>
            <h2>No people yet — import videos with faces</h2>
            <p>
              Faces found in your videos are grouped into people as the videos are indexed. Name them, and search for{' '}
              <code class="code">person:Name</code>.
            </p>
            <A href="/" class="btn">
              Go to the library
            </A>
          </div>
        </Match>
      </Switch>
    </>
  );
}
