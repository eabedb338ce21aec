import { For, type JSX } from 'solid-js';
import { splitCode } from '../models.ts';

/** Text that may quote a command in `backticks` (the model messages do): the command is shown as code. */
export function CodeText(props: { text: string }): JSX.Element {
  return <For each={splitCode(props.text)}>{(part) => (part.code ? <code class="code">{part.text}</code> : part.text)}</For>;
}
