// ECharts, tree-shaken: only the charts and components the page draws are registered, drawn as SVG (crisp
// when printed). One helper mounts a chart in a box, resizes it with the box and disposes of it with the view.
import { use, init, type ComposeOption, type EChartsType } from 'echarts/core';
import { BarChart, HeatmapChart, LineChart, ScatterChart, type BarSeriesOption, type HeatmapSeriesOption, type LineSeriesOption, type ScatterSeriesOption } from 'echarts/charts';
import {
  AriaComponent, DataZoomComponent, GridComponent, LegendComponent, MarkAreaComponent, TooltipComponent,
  type AriaComponentOption, type DataZoomComponentOption, type GridComponentOption, type LegendComponentOption, type MarkAreaComponentOption,
  type TooltipComponentOption,
} from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import { CATEGORY } from './palette.js';

use([BarChart, HeatmapChart, LineChart, ScatterChart, AriaComponent, DataZoomComponent, GridComponent, LegendComponent, MarkAreaComponent,
  TooltipComponent, SVGRenderer]);

export type ChartOption = ComposeOption<
  BarSeriesOption | HeatmapSeriesOption | LineSeriesOption | ScatterSeriesOption | AriaComponentOption | DataZoomComponentOption | GridComponentOption
  | LegendComponentOption | MarkAreaComponentOption | TooltipComponentOption
>;

/** One concrete font: ECharts measures legend text with it, so 'inherit' would make labels overlap. */
const FONT = 'DejaVu Sans, Verdana, system-ui, sans-serif';

const live = new Set<EChartsType>();
const observer = typeof ResizeObserver === 'undefined' ? undefined : new ResizeObserver(() => { for (const c of live) c.resize(); });

/**
 * Draws `option` in `box` (which must be in the document and sized by CSS). `label` is read out by screen
 * readers; the figures themselves are also in a table next to every chart.
 */
export function chart(box: HTMLElement, option: ChartOption, label: string): EChartsType {
  box.setAttribute('role', 'img');
  box.setAttribute('aria-label', label);
  const c = init(box, undefined, { renderer: 'svg' });
  c.setOption({ color: CATEGORY, animation: false, aria: { enabled: true, label: { description: label } }, textStyle: { fontFamily: FONT }, ...option });
  live.add(c);
  observer?.observe(box);
  return c;
}

/** Disposes of every chart (on leaving a view), so none keeps listening to a box that is gone. */
export function disposeCharts(): void {
  for (const c of live) {
    observer?.unobserve(c.getDom());
    c.dispose();
  }
  live.clear();
}

/** Before printing: charts take the printed width. */
export function resizeCharts(): void {
  for (const c of live) c.resize();
}
