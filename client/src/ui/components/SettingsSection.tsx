import type { JSX } from 'solid-js';

/**
 * One section of the Settings page: a panel with its heading (which names the section for assistive technology),
 * optional actions beside the heading, then its content. `id` is also the section's anchor (Settings#storage).
 */
export function SettingsSection(props: { id: string; title: string; actions?: JSX.Element; children: JSX.Element }) {
  return (
    <section class={`panel settings-panel ${props.id}`} id={props.id} aria-labelledby={`${props.id}-heading`} data-testid={`${props.id}-panel`}>
      <div class="panel-header">
        <h2 id={`${props.id}-heading`}>{props.title}</h2>
        {props.actions}
      </div>
      {props.children}
    </section>
  );
}
