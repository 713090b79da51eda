/**
 * Electron main process. Binds every contract channel to the shared handlers (../ipc/handlers.ts)
 * through ipcMain.handle, after checking that the call comes from the top frame of our own renderer;
 * and forwards the runtime's events to the window with webContents.send.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { INVOKE_CHANNELS, type Result } from '../../shared/contract.js';
import { handleInvoke } from '../ipc/handlers.js';
import type { AppRuntime } from '../ipc/runtime.js';
import type { ServiceEvent } from '../service/services.js';
import { isOwnRendererUrl, isTrustedFrame } from './renderer-origin.js';

const FORBIDDEN: Result<never> = { ok: false, error: { code: 'FORBIDDEN', message: 'This page is not allowed to use MedChatSecure.' } };

function isTrustedSender(event: IpcMainInvokeEvent, devServer: URL | null): boolean {
  return isTrustedFrame(event.senderFrame, devServer);
}

export function registerIpcHandlers(runtime: AppRuntime, devServer: URL | null): () => void {
  for (const channel of INVOKE_CHANNELS) {
    ipcMain.handle(channel, async (event, arg: unknown) => {
      if (!isTrustedSender(event, devServer)) {
        runtime.log(`ipc: refused ${channel} from an untrusted frame`);
        return FORBIDDEN;
      }
      return handleInvoke(runtime, channel, arg);
    });
  }
  return () => {
    for (const channel of INVOKE_CHANNELS) ipcMain.removeHandler(channel);
  };
}

/** Sends each service event to the window while it shows our renderer; returns an unsubscribe. */
export function forwardEvents(
  runtime: AppRuntime,
  window: () => BrowserWindow | null,
  devServer: URL | null,
  onEvent: (event: ServiceEvent) => void = () => {},
): () => void {
  return runtime.subscribe((event) => {
    const win = window();
    if (win && !win.isDestroyed() && isOwnRendererUrl(win.webContents.getURL(), devServer)) {
      win.webContents.send(event.channel, event.payload);
    }
    onEvent(event);
  });
}
