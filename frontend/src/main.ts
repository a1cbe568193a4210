import './styles.css';
import { ApiSession, browserSessionStore } from './api/session';
import { TaidonApi } from './api/worksheets';
import { Drafts } from './model/drafts';
import { App } from './ui/app';
import { installThemeToggle } from './ui/theme';

const app = document.getElementById('app');
if (app === null) throw new Error('index.html lacks the #app element');

installThemeToggle(document.getElementById('theme-toggle'));
const api = new TaidonApi(new ApiSession(browserSessionStore()));
void new App(app, api, new Drafts(window.localStorage)).show();
