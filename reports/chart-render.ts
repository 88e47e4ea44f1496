/**
 * Renders Vega-Lite specs to SVG in Node (vega's headless `renderer: "none"` view: no
 * browser, no canvas). SVG text is left as text, escaped by vega.
 */
import * as vega from "vega";
import * as vl from "vega-lite";

/** A rendered plot: its id (file name), title and SVG markup. */
export interface Plot {
  /** File name without extension, e.g. `accuracy-vs-params`. */
  readonly id: string;
  readonly title: string;
  readonly svg: string;
}

/** A Vega-Lite spec with the data inline. */
export type ChartSpec = vl.TopLevelSpec;

const CONFIG: vl.Config = {
  font: "sans-serif",
  title: { fontSize: 14, anchor: "start" },
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridOpacity: 0.5 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 260 },
  view: { stroke: "#ccc" },
};

/** Renders `spec` to an SVG string. */
export async function renderSvg(spec: ChartSpec): Promise<string> {
  // Only errors: vega-lite's layout warnings about faceted scales are noise in a terminal.
  const logger = vega.logger(vega.Error);
  const compiled = vl.compile({ ...spec, config: { ...CONFIG, ...(spec.config ?? {}) } } as vl.TopLevelSpec, { logger }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none", logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Renders a Vega-Lite spec (without its title) as a {@link Plot} titled `title`. */
export async function plot(id: string, title: string, spec: Readonly<Record<string, unknown>>): Promise<Plot> {
  return { id, title, svg: await renderSvg({ ...spec, title } as ChartSpec) };
}

/** True when positive values span more than `decades` powers of ten (use a log scale). */
export function spansDecades(values: readonly number[], decades = 1.5): boolean {
  const pos = values.filter((v) => v > 0);
  if (pos.length < 2) return false;
  return Math.log10(Math.max(...pos) / Math.min(...pos)) > decades;
}
