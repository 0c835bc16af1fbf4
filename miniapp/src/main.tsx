import { render } from 'preact';
import { App } from './app.js';
import { applyTheme, signIn } from './telegram.js';
import './styles.css';

applyTheme();
render(<App signIn={signIn()} />, document.getElementById('app')!);
