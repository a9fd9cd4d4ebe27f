/**
 * Loads office.js from Microsoft's CDN (the npm package is no longer maintained) at run time, so
 * that a test can serve its own fake at the same URL. office.js nulls history.pushState and
 * replaceState (for old hosts); they are saved before it loads and put back after.
 */

export const OFFICE_JS_URL = 'https://appsforoffice.microsoft.com/lib/1/hosted/office.js';

let loading: Promise<void> | null = null;

export function loadOfficeJs(url: string = OFFICE_JS_URL): Promise<void> {
  loading ??= new Promise<void>((resolve, reject) => {
    const push = window.history.pushState;
    const replace = window.history.replaceState;
    const script = document.createElement('script');
    script.src = url;
    script.onload = () => {
      window.history.pushState = push;
      window.history.replaceState = replace;
      resolve();
    };
    script.onerror = () => {
      loading = null;
      reject(new Error(`Could not load office.js from ${url}. This page only works inside Excel; check the network connection.`));
    };
    document.head.appendChild(script);
  });
  return loading;
}

/** Resolves when Office is ready in Excel; rejects when the host is not Excel. */
export async function officeReady(): Promise<void> {
  await loadOfficeJs();
  const info = await Office.onReady();
  if (info.host !== Office.HostType.Excel) throw new Error('sheetscale runs in Excel only. Open it from Excel\'s Home tab.');
}

/** The ribbon commands page: office.js loaded and ready (the button itself needs no code). */
export async function commandsReady(): Promise<void> {
  await loadOfficeJs();
  await Office.onReady();
}
