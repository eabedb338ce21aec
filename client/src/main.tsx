import { render } from 'solid-js/web';
import { App } from './ui/App.tsx';
import './ui/styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('Heimdex cannot start: index.html has no #root element.');

render(() => <App />, root);
