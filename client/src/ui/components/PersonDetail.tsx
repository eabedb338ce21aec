import { createSignal, For, Match, Show, Switch, type JSX } from 'solid-js';
import { A, useNavigate } from '@solidjs/router';
import type { PersonDetail as PersonData, PersonFace, PersonSummary } from '../../app/people.ts';
import { personLabel } from '../../person-label.ts';
import { useApp } from '../context.tsx';
import { formatTimecode } from '../format.ts';
import { createChange, createDocumentTitle, createLoader } from '../reactive.ts';
import { Icon } from './Icon.tsx';
import { OpeningLibrary } from './OpeningLibrary.tsx';
import { countOf } from './PersonCard.tsx';
import { FaceCrop } from './PersonFace.tsx';
import { PersonPicker, type PickerChoice } from './PersonPicker.tsx';

type Mode =
  | { kind: 'view' }
  | { kind: 'rename' }
  | { kind: 'merge' }
  | { kind: 'confirm-merge'; intoId: string }
  | { kind: 'never-merge' }
  | { kind: 'move'; faceId: string };

/**
 * One person (route /people/:id): every face with the scene it comes from, and what the user can do:
 * rename inline, merge into someone else, hide, keep apart from someone ("never merge"), and move a
 * face to another or a new person. `version` changes whenever people change; `onChanged` asks for that.
 */
export function PersonDetail(props: { personId: string; people: PersonSummary[]; version: number; onChanged: () => void }): JSX.Element {
  const { library, notices } = useApp();
  const navigate = useNavigate();
  const person = createLoader(
    () => `${props.personId}|${props.version}|${library.account.status().received}`,
    () => library.people.get(props.personId),
  );
  createDocumentTitle(() => {
    const p = person.value();
    return p ? personLabel(p) : 'Person';
  });
  const [mode, setMode] = createSignal<Mode>({ kind: 'view' });
  const confirming = () => {
    const m = mode();
    return m.kind === 'confirm-merge' ? m : null;
  };
  const moving = () => {
    const m = mode();
    return m.kind === 'move' ? m : null;
  };

  /** Runs a change, reports a failure as a notice, and refreshes the people either way. */
  const { busy, run: act } = createChange(notices, () => props.onChanged());

  const others = () => props.people.filter((p) => p.personId !== props.personId);
  const nameOf = (personId: string) => {
    const found = props.people.find((p) => p.personId === personId);
    return found ? personLabel(found) : 'someone removed';
  };

  return (
    <Switch>
      <Match when={person.value()}>
        {(p) => (
          <article class="person-detail" data-testid="person-detail" data-person-id={p().personId} data-name={personLabel(p())}>
            <header class="person-header">
              <FaceCrop bytes={p().crops[0]} class="person-avatar" />
              <div class="person-heading">
                <Show
                  when={mode().kind === 'rename'}
                  fallback={
                    <h1 tabIndex={-1} class={p().name ? undefined : 'person-unnamed'} data-testid="person-title">
                      {personLabel(p())}
                    </h1>
                  }
                >
                  <NameInput
                    person={p()}
                    onSave={(name) => {
                      setMode({ kind: 'view' });
                      if (name.trim() === (p().name ?? '')) return;
                      void act('rename this person', () => library.people.rename(p().personId, name));
                    }}
                    onCancel={() => setMode({ kind: 'view' })}
                  />
                </Show>
                <p class="page-subtitle">
                  {countOf(p().faceCount, 'face', 'faces')} · {countOf(p().sceneCount, 'scene', 'scenes')} ·{' '}
                  {countOf(p().videoCount, 'video', 'videos')}
                  <Show when={p().hidden}>
                    {' '}
                    · <span class="tag">Hidden</span>
                  </Show>
                </p>
              </div>
            </header>

            <div class="actions person-actions" role="group" aria-label="Person actions">
              <button type="button" class="btn btn--small" data-testid="rename" disabled={busy()} onClick={() => setMode({ kind: 'rename' })}>
                Rename
              </button>
              <button
                type="button"
                class="btn btn--small"
                data-testid="merge"
                disabled={busy() || others().length === 0}
                aria-expanded={mode().kind === 'merge' || mode().kind === 'confirm-merge'}
                onClick={() => setMode({ kind: 'merge' })}
              >
                Merge into…
              </button>
              <button
                type="button"
                class="btn btn--small"
                data-testid="hide"
                aria-pressed={p().hidden}
                disabled={busy()}
                onClick={() => void act(p().hidden ? 'show this person' : 'hide this person', () => library.people.setHidden(p().personId, !p().hidden))}
              >
                {p().hidden ? 'Unhide' : 'Hide'}
              </button>
              <button
                type="button"
                class="btn btn--small"
                data-testid="never-merge"
                disabled={busy() || others().length === 0}
                aria-expanded={mode().kind === 'never-merge'}
                onClick={() => setMode({ kind: 'never-merge' })}
              >
                Never merge with…
              </button>
            </div>

            <Show when={p().neverMerge.length > 0}>
              <p class="person-apart" data-testid="never-merge-list">
                Kept apart from:{' '}
                <For each={p().neverMerge}>
                  {(otherId) => (
                    <span class="person-apart-item">
                      <A href={`/people/${encodeURIComponent(otherId)}`}>{nameOf(otherId)}</A>
                      <button
                        type="button"
                        class="icon-btn"
                        aria-label={`Allow merging with ${nameOf(otherId)}`}
                        title="Remove this mark"
                        disabled={busy()}
                        onClick={() => void act('remove the mark', () => library.people.setNeverMerge(p().personId, otherId, false))}
                      >
                        <Icon name="close" size={14} />
                      </button>
                    </span>
                  )}
                </For>
              </p>
            </Show>

            <Switch>
              <Match when={mode().kind === 'merge'}>
                <PersonPicker
                  title={`Merge ${personLabel(p())} into…`}
                  testId="merge-picker"
                  busy={busy()}
                  choices={others().map(
                    (other): PickerChoice => ({
                      person: other,
                      disabledReason: p().neverMerge.includes(other.personId) ? 'Marked “never merge”' : null,
                    }),
                  )}
                  onPick={(intoId) => setMode({ kind: 'confirm-merge', intoId })}
                  onCancel={() => setMode({ kind: 'view' })}
                />
              </Match>
              <Match when={confirming()}>
                {(m) => (
                  <MergeConfirm
                    from={p()}
                    intoName={nameOf(m().intoId)}
                    busy={busy()}
                    onCancel={() => setMode({ kind: 'view' })}
                    onConfirm={() =>
                      void act('merge these people', async () => {
                        const result = await library.people.merge(p().personId, m().intoId);
                        setMode({ kind: 'view' });
                        if (result.status === 'refused') throw new Error(result.reason);
                        navigate(`/people/${encodeURIComponent(result.personId)}`, { replace: true });
                      })
                    }
                  />
                )}
              </Match>
              <Match when={mode().kind === 'never-merge'}>
                <PersonPicker
                  title={`Never merge ${personLabel(p())} with…`}
                  testId="never-merge-picker"
                  busy={busy()}
                  choices={others().map(
                    (other): PickerChoice => ({
                      person: other,
                      note: p().neverMerge.includes(other.personId) ? 'Marked: pick to remove' : null,
                    }),
                  )}
                  onPick={(otherId) =>
                    void act('change the mark', async () => {
                      await library.people.setNeverMerge(p().personId, otherId, !p().neverMerge.includes(otherId));
                      setMode({ kind: 'view' });
                    })
                  }
                  onCancel={() => setMode({ kind: 'view' })}
                />
              </Match>
            </Switch>

            <section class="panel" aria-labelledby="faces-heading">
              <div class="panel-header">
                <h2 id="faces-heading">Faces</h2>
                <span class="panel-count">{p().faces.length}</span>
              </div>
              <ul class="person-faces" role="list">
                <For each={p().faces}>
                  {(face) => (
                    <FaceItem
                      face={face}
                      moving={moving()?.faceId === face.faceId}
                      busy={busy()}
                      canMove={others().length > 0 || p().faces.length > 1}
                      onMove={() => setMode({ kind: 'move', faceId: face.faceId })}
                    />
                  )}
                </For>
              </ul>
              <Show when={moving()}>
                {(m) => (
                  <PersonPicker
                    title="Move this face to…"
                    testId="move-picker"
                    busy={busy()}
                    choices={others().map((other): PickerChoice => ({ person: other }))}
                    // A person's only face moved to a new person would just renumber them.
                    onNew={p().faces.length > 1 ? () => moveFace(p(), m().faceId, null) : undefined}
                    onPick={(target) => moveFace(p(), m().faceId, target)}
                    onCancel={() => setMode({ kind: 'view' })}
                  />
                )}
              </Show>
            </section>
          </article>
        )}
      </Match>
      <Match when={person.error()}>
        <p class="error-text error-box" role="alert">
          Could not load this person: {person.error()}
        </p>
      </Match>
      <Match when={person.value() === null}>
        <div class="empty">
          <h1 tabIndex={-1}>This person is no longer here</h1>
          <p>They may have been merged into someone else, or the videos they were in were deleted.</p>
          <A href="/people" class="btn">
            Back to People
          </A>
        </div>
      </Match>
      <Match when={true}>
        <OpeningLibrary />
      </Match>
    </Switch>
  );

  function moveFace(current: PersonData, faceId: string, target: string | null) {
    void act('move the face', async () => {
      const now = await library.people.moveFace(faceId, target);
      setMode({ kind: 'view' });
      // The person's last face went: follow it to where it is now.
      if (current.faces.length === 1) navigate(`/people/${encodeURIComponent(now)}`, { replace: true });
      else notices.push({ status: 'info', title: 'Face moved', message: `It is now with ${target === null ? 'a new person' : nameOf(now)}.` });
    });
  }
}

/** The inline name editor: Enter saves, Escape cancels, leaving the field saves. */
function NameInput(props: { person: PersonData; onSave: (name: string) => void; onCancel: () => void }): JSX.Element {
  let done = false;
  const finish = (save: boolean, value: string) => {
    if (done) return;
    done = true;
    if (save) props.onSave(value);
    else props.onCancel();
  };
  return (
    <label class="person-name-field">
      <span class="visually-hidden">Name</span>
      <input
        ref={(el) => queueMicrotask(() => el.select())}
        class="person-name-input"
        data-testid="person-name-input"
        value={props.person.name ?? ''}
        placeholder={`Person ${props.person.number}`}
        maxLength={120}
        autocomplete="off"
        onKeyDown={(event) => {
          if (event.key === 'Enter') {
            event.preventDefault();
            finish(true, event.currentTarget.value);
          } else if (event.key === 'Escape') {
            event.preventDefault();
            finish(false, '');
          }
        }}
        onBlur={(event) => finish(true, event.currentTarget.value)}
      />
      <span class="person-name-hint">Enter to save, Escape to cancel. Leave empty for “Person {props.person.number}”.</span>
    </label>
  );
}

function MergeConfirm(props: { from: PersonData; intoName: string; busy: boolean; onConfirm: () => void; onCancel: () => void }): JSX.Element {
  return (
    <div class="confirm person-confirm" role="group" aria-label="Confirm the merge" data-testid="merge-confirm">
      <p class="confirm-text">
        Merge <strong>{personLabel(props.from)}</strong> into <strong>{props.intoName}</strong>?{' '}
        {countOf(props.from.faceCount, 'face moves', 'faces move')} to {props.intoName}, and {personLabel(props.from)} is removed.
      </p>
      <button
        type="button"
        class="btn btn--small btn--primary"
        data-testid="confirm-merge"
        disabled={props.busy}
        ref={(el) => queueMicrotask(() => el.focus())}
        onClick={() => props.onConfirm()}
      >
        Merge
      </button>
      <button type="button" class="btn btn--small btn--ghost" disabled={props.busy} onClick={() => props.onCancel()}>
        Cancel
      </button>
    </div>
  );
}

function FaceItem(props: { face: PersonFace; moving: boolean; busy: boolean; canMove: boolean; onMove: () => void }): JSX.Element {
  const where = () => `${props.face.videoTitle} · ${formatTimecode(props.face.startS)}`;
  return (
    <li class={props.moving ? 'person-face person-face--moving' : 'person-face'} data-face-id={props.face.faceId}>
      <A
        href={`/video/${encodeURIComponent(props.face.videoId)}?t=${props.face.startS}`}
        class="person-face-link"
        title={`Play ${where()}`}
      >
        <FaceCrop bytes={props.face.crop} alt={`Face in ${where()}`} testId="face-crop" />
        <span class="person-face-where">
          <span class="person-face-video">{props.face.videoTitle}</span>
          <span class="person-face-time">
            Scene {props.face.sceneIdx + 1} · {formatTimecode(props.face.startS)}
          </span>
        </span>
      </A>
      <div class="person-face-actions">
        <Show when={props.face.locked}>
          <span class="person-face-locked" title="You placed this face here: automatic grouping leaves it">
            <Icon name="lock" size={12} />
            Placed by you
          </span>
        </Show>
        <button
          type="button"
          class="btn btn--small btn--ghost"
          data-testid="move-face"
          aria-expanded={props.moving}
          disabled={props.busy || !props.canMove}
          onClick={() => props.onMove()}
        >
          Move…
        </button>
      </div>
    </li>
  );
}
