import { useEffect, useRef } from 'react';
import type uPlotType from 'uplot';
import 'uplot/dist/uPlot.min.css';

/**
 * uPlot builds a number format from `navigator.language` when it loads; a browser reporting a
 * language Intl refuses (a headless shell on a POSIX locale says "en-US@posix") would make that
 * throw, so such a language is read as plain English first.
 */
const loadUplot: Promise<typeof uPlotType> = (() => {
  try {
    new Intl.NumberFormat(navigator.language);
  } catch {
    Object.defineProperty(navigator, 'language', { value: 'en-US', configurable: true });
  }
  return import('uplot').then((m) => m.default);
})();

/**
 * One measure over time, drawn by uPlot (canvas, ~50 kB minified; chosen over ECharts and
 * Recharts, which weigh several times more and draw slower with many points). Colours follow the
 * page's theme variables, so it is right in light and dark.
 */
export function Chart({ title, periods, values, format }: { title: string; periods: string[]; values: (number | null)[]; format: (v: number | null) => string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    let plot: uPlotType | null = null;
    let resize: ResizeObserver | null = null;
    let gone = false;
    void loadUplot.then((uPlot) => {
      if (gone) return;
    const css = getComputedStyle(document.documentElement);
    const accent = css.getPropertyValue('--accent').trim() || '#4f46e5';
    const muted = css.getPropertyValue('--muted').trim() || '#6b7280';
    const border = css.getPropertyValue('--border').trim() || '#e5e7eb';
    const xs = periods.map((p) => Date.parse(`${p}T00:00:00Z`) / 1000);
    const axis = { stroke: muted, grid: { stroke: border, width: 1 }, ticks: { stroke: border, width: 1 } };
    plot = new uPlot(
      {
        width: Math.max(200, el.clientWidth),
        height: 160,
        legend: { show: false },
        cursor: { points: { size: 6 } },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
        axes: [
          { ...axis, values: (_u, ticks) => ticks.map((t) => new Date(t * 1000).toISOString().slice(5, 10)) },
          { ...axis, size: 70, values: (_u, ticks) => ticks.map((t) => format(t)) },
        ],
        series: [{}, { label: title, stroke: accent, width: 2, fill: `color-mix(in srgb, ${accent} 15%, transparent)`, points: { show: periods.length < 40 }, spanGaps: false }],
      },
      [xs, values.map((v) => (v == null ? null : v))],
      el,
    );
    const p = plot;
    resize = new ResizeObserver(() => p.setSize({ width: Math.max(200, el.clientWidth), height: 160 }));
    resize.observe(el);
    });
    return () => {
      gone = true;
      resize?.disconnect();
      plot?.destroy();
    };
  }, [title, periods, values, format]);
  return <div className="report-chart" ref={box} role="img" aria-label={`${title} per period`} />;
}
