import './styles.css';
import { fetchPlatformStatus } from './api/platform';
import { createStatusPage } from './ui/statusPage';

const app = document.getElementById('app');
if (app === null) throw new Error('index.html lacks the #app element');

void createStatusPage(app, () => fetchPlatformStatus()).refresh();
