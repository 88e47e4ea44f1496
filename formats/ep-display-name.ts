/**
 * How an EP's name is shown in tables and sentences: the browser EPs by the backend and
 * where it runs (`wasm (browser)`), every other EP by its name.
 */

/** Display labels of the EPs not shown by their name (the browser EPs' runners carry these labels). */
export const EP_LABELS: Readonly<Record<string, string>> = {
  "browser-wasm": "wasm (browser)",
  "browser-webgpu": "webgpu (browser)",
};

/** The name to show for EP `name`: a browser EP's label, else the name itself. */
export function epDisplayName(name: string): string {
  return EP_LABELS[name] ?? name;
}
