import { render } from 'solid-js/web';
import { takeAccountLink } from './ui/account-links.ts';
import { App } from './ui/App.tsx';
import './ui/styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('Heimdex cannot start: index.html has no #root element.');

// An emailed account link (#verify-email=…) is taken before the router reads the address.
takeAccountLink();
render(() => <App />, root);
