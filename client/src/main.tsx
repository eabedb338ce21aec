import { render } from 'solid-js/web';

function App() {
  return <h1>Heimdex</h1>;
}

render(() => <App />, document.getElementById('root')!);
