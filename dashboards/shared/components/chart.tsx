/**
 * One chart on ECharts (`echarts/core`, loaded on first use): a responsive canvas chart with the
 * accessibility description on, the Dozor theme, and tooltips that escape user text. Pages use
 * one wrapper per chart type (`bar-chart.tsx`, `line-chart.tsx`), which builds the option from
 * data and loads only its own series. A new type: `echarts/<type>.ts` + `<type>-chart.tsx`.
 * Canvas does not render in a fake DOM: cover charts in Chromium.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type * as EchartsCore from 'echarts/core';
import type { EChartsCoreOption } from 'echarts/core';

type Echarts = typeof EchartsCore;

/** Loads ECharts with the series a chart type needs (`echarts/<type>.ts`). */
export type EchartsLoader = () => Promise<{ echarts: Echarts }>;

/** Escapes text for ECharts' HTML tooltips (their formatter output is markup). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

export interface ChartProps {
  option: EChartsCoreOption;
  /** What the chart shows, for screen readers and the figure's label. */
  label: string;
  height?: number;
  id?: string;
  /** The chart type's loader (the wrappers pass it). */
  load: EchartsLoader;
  /** A click on a data point (a bar, a slice): its name and value. */
  onSelect?: (point: { name: string; value: unknown; seriesName?: string }) => void;
}

export function Chart({ option, label, height = 280, id, onSelect, load }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<Echarts['init']> | null>(null);
  const [failed, setFailed] = useState(false);
  const draw = useRef<() => void>(() => undefined);

  useEffect(() => {
    let live = true;
    let observer: ResizeObserver | null = null;
    load().then(
      ({ echarts }) => {
        if (!live || !box.current) return;
        const c = echarts.init(box.current, 'dozor', { renderer: 'canvas' });
        chart.current = c;
        // The option may have arrived before the library: draw it now.
        draw.current();
        observer = new ResizeObserver(() => c.resize());
        observer.observe(box.current);
      },
      () => live && setFailed(true),
    );
    return () => {
      live = false;
      observer?.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);

  // Draws the latest option on the chart, once both exist (whichever comes second draws).
  draw.current = () => {
    const c = chart.current;
    if (!c) return;
    c.setOption({ aria: { enabled: true, label: { description: label } }, tooltip: { trigger: 'item', confine: true }, ...option }, { notMerge: true });
    c.off('click');
    if (onSelect) c.on('click', (p) => onSelect({ name: String((p as { name?: unknown }).name ?? ''), value: (p as { value?: unknown }).value, seriesName: (p as { seriesName?: string }).seriesName }));
  };
  useEffect(() => {
    draw.current();
  }, [option, label, onSelect]);

  if (failed)
    return (
      <p class="chart chart--failed" role="alert">
        Не удалось загрузить график.
      </p>
    );
  return (
    <figure class="chart" id={id} aria-label={label}>
      <div ref={box} class="chart__canvas" style={{ height: `${height}px` }} />
    </figure>
  );
}
