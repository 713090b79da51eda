/**
 * Checks of what the renderer can reach, run inside the page: shared by the browser-mode and the
 * desktop tests, since both load the same renderer and must expose the same (small) surface.
 */
import type { CDPSession, Page } from '@playwright/test';

export interface GlobalsProbe {
  /** typeof of each Node/Electron name in the page's main world. */
  types: Record<string, string>;
  /** Own keys of window.medchat, or null when there is none (browser mode). */
  medchatKeys: string[] | null;
  /** typeof of each of window.medchat's members. */
  medchatTypes: Record<string, string>;
}

export const NODE_AND_ELECTRON_NAMES = ['require', 'process', 'module', 'exports', 'Buffer', 'global', '__dirname', '__filename', 'electron', 'ipcRenderer', 'webFrame', 'contextBridge'] as const;

export function probeGlobals(page: Page): Promise<GlobalsProbe> {
  return page.evaluate((names) => {
    const scope = globalThis as unknown as Record<string, unknown>;
    const types: Record<string, string> = {};
    for (const name of names) types[name] = typeof scope[name];
    // `typeof require` etc. as free identifiers too: a global lexical binding would not be on globalThis.
    types['free:require'] = typeof (globalThis as { require?: unknown }).require;
    const medchat = scope['medchat'] as Record<string, unknown> | undefined;
    const medchatKeys = medchat === undefined ? null : Reflect.ownKeys(medchat).map(String).sort();
    const medchatTypes: Record<string, string> = {};
    if (medchat) for (const key of medchatKeys ?? []) medchatTypes[key] = typeof medchat[key];
    return { types, medchatKeys, medchatTypes };
  }, [...NODE_AND_ELECTRON_NAMES]);
}

export interface CspProbe {
  eval: string;
  newFunction: string;
  setTimeoutString: string;
  inlineScriptRan: boolean;
  violations: string[];
}

/**
 * Tries eval, new Function, string setTimeout and an inline <script>; reports what ran and what CSP
 * refused. The attempts run from a timer callback, i.e. as the page's own code: code evaluated by
 * Playwright itself (CDP Runtime.evaluate) is exempt from the page's CSP eval rule.
 */
export function probeCsp(page: Page): Promise<CspProbe> {
  return page.evaluate(
    () =>
      new Promise<CspProbe>((resolveProbe) => {
        const violations: string[] = [];
        const onViolation = (event: SecurityPolicyViolationEvent): void => {
          violations.push(`${event.effectiveDirective}:${event.blockedURI}`);
        };
        document.addEventListener('securitypolicyviolation', onViolation);
        const attempt = (run: () => unknown): string => {
          try {
            run();
            return 'ran';
          } catch (error) {
            return (error as Error).name;
          }
        };
        const scope = window as unknown as Record<string, unknown>;
        window.setTimeout(() => {
          const result: CspProbe = {
            // The point of the probe: each of these must be refused by the page's CSP.
            // eslint-disable-next-line no-eval
            eval: attempt(() => (0, eval)('1 + 1')),
            // eslint-disable-next-line no-new-func
            newFunction: attempt(() => new Function('return 1')()),
            setTimeoutString: 'n/a',
            inlineScriptRan: false,
            violations,
          };
          // A string handler for setTimeout is an eval too: refused without an exception.
          (window.setTimeout as unknown as (code: string, ms: number) => number)("window['__medchatTimeoutRan'] = true", 0);
          const script = document.createElement('script');
          script.textContent = "window['__medchatInlineRan'] = true;";
          document.body.append(script);
          script.remove();
          window.setTimeout(() => {
            document.removeEventListener('securitypolicyviolation', onViolation);
            result.setTimeoutString = scope['__medchatTimeoutRan'] === true ? 'ran' : 'blocked';
            result.inlineScriptRan = scope['__medchatInlineRan'] === true;
            resolveProbe(result);
          }, 300);
        }, 0);
      }),
  );
}

const CONTROL_ROLES = new Set(['button', 'textbox', 'searchbox', 'combobox', 'listbox', 'checkbox', 'radio', 'switch', 'slider', 'spinbutton', 'tab', 'link', 'menuitem', 'DisclosureTriangle']);

export interface UnnamedControl {
  role: string;
  html: string;
}

/**
 * Interactive controls (Chromium's accessibility tree, not ignored) without an accessible name,
 * and how many controls were checked. Hidden tab panels are not in the tree: check each tab.
 */
export async function unnamedControls(page: Page): Promise<{ checked: number; unnamed: UnnamedControl[] }> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  try {
    await cdp.send('Accessibility.enable');
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
      nodes: { ignored: boolean; role?: { value?: unknown }; name?: { value?: unknown }; backendDOMNodeId?: number }[];
    };
    let checked = 0;
    const unnamed: UnnamedControl[] = [];
    for (const node of nodes) {
      const role = String(node.role?.value ?? '');
      if (node.ignored || !CONTROL_ROLES.has(role)) continue;
      checked++;
      const name = String(node.name?.value ?? '').trim();
      if (name) continue;
      let html = '(no DOM node)';
      if (node.backendDOMNodeId !== undefined) {
        const { outerHTML } = (await cdp.send('DOM.getOuterHTML', { backendNodeId: node.backendDOMNodeId })) as { outerHTML: string };
        html = outerHTML.slice(0, 200);
      }
      unnamed.push({ role, html });
    }
    return { checked, unnamed };
  } finally {
    await cdp.detach();
  }
}

/** The document's width against the viewport: no horizontal scrollbar when scrollWidth <= innerWidth. */
export function horizontalOverflow(page: Page): Promise<{ scrollWidth: number; innerWidth: number; widest: string | null }> {
  return page.evaluate(() => {
    const innerWidth = window.innerWidth;
    let widest: string | null = null;
    let max = innerWidth;
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('body *'))) {
      const right = el.getBoundingClientRect().right;
      if (right > max + 0.5 && el.offsetParent !== null) {
        max = right;
        widest = `${el.tagName.toLowerCase()}.${el.className} (right edge ${Math.round(right)})`;
      }
    }
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth, widest };
  });
}
