/** The dashboards' one entry point: the shell with the page table. */
import { render } from 'preact';
import { PAGES } from './pages';
import { Shell } from './shared/shell';

const root = document.getElementById('app');
if (root) render(<Shell pages={PAGES} />, root);
