/** Renderer process. Entry point: the API (preload or browser-mode socket) and the React root. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { getApi } from './bridge.js';
import { AnnouncerProvider } from './common/Announcer.js';
import { ApiProvider } from './common/ApiContext.js';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('main: the page has no #root element');

createRoot(root).render(
  <StrictMode>
    <ApiProvider api={getApi()}>
      <AnnouncerProvider>
        <App />
      </AnnouncerProvider>
    </ApiProvider>
  </StrictMode>,
);
