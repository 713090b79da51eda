/**
 * Electron main process. The one application window: sandboxed, context-isolated, no Node, our
 * preload only, loading the renderer from app://medchat/ (or the dev server in development).
 */
import { BrowserWindow } from 'electron';
import { join } from 'node:path';
import { RENDERER_ENTRY_URL } from './renderer-origin.js';

export interface WindowPaths {
  /** out/preload/index.cjs: a sandboxed preload must be a single CommonJS file. */
  preload: string;
  icon?: string | undefined;
}

export function createMainWindow(paths: WindowPaths, devServer: URL | null): BrowserWindow {
  const win = new BrowserWindow({
    width: 1200,
    height: 820,
    minWidth: 800,
    minHeight: 600,
    show: false,
    title: 'MedChatSecure',
    icon: paths.icon,
    autoHideMenuBar: true,
    webPreferences: {
      // Reviewed: src/preload/index.ts exposes only window.medchat (contract channels, no ipcRenderer).
      preload: paths.preload, // eng-disable PRELOAD_JS_CHECK
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      disableBlinkFeatures: 'Auxclick',
    },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(devServer ? devServer.href : RENDERER_ENTRY_URL);
  return win;
}

export function defaultWindowPaths(mainDir: string): WindowPaths {
  return { preload: join(mainDir, '..', 'preload', 'index.cjs') };
}
