/**
 * Renderer process. A small dependency-free SVG bar chart with axis titles and tick labels. It is
 * an image for assistive technology (role="img" with a title and description); callers put the same
 * figures in a table next to it.
 */
import { useId } from 'react';

export interface Bar {
  key: string;
  /** Two short lines under the bar, e.g. a date and a time. */
  label: [string, string];
  value: number;
  /** Hover text. */
  detail: string;
}

const WIDTH = 640;
const HEIGHT = 280;
const MARGIN = { top: 24, right: 16, bottom: 64, left: 72 };

/** A round step for about four grid lines up to `max`: 0.0285 -> 0.01, 3.2 -> 1, 1234 -> 500. */
export function niceStep(max: number): number {
  if (!(max > 0)) return 1;
  const raw = max / 4;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const step of [1, 2, 2.5, 5]) if (raw <= step * power) return step * power;
  return 10 * power;
}

function formatTick(value: number): string {
  if (value === 0) return '0';
  if (value >= 100) return value.toFixed(0);
  return String(Number(value.toPrecision(3)));
}

export function BarChart({
  title,
  description,
  yLabel,
  xLabel,
  bars,
}: {
  title: string;
  description: string;
  yLabel: string;
  xLabel: string;
  bars: Bar[];
}) {
  const id = useId();
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const max = Math.max(0, ...bars.map((b) => b.value));
  const step = niceStep(max);
  const top = Math.max(step, Math.ceil(max / step - 1e-9) * step);
  const ticks = Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
  const slot = bars.length ? plotW / bars.length : plotW;
  const barW = Math.min(48, slot * 0.6);
  const y = (v: number) => MARGIN.top + plotH - (v / top) * plotH;

  return (
    <svg
      className="chart"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-desc`}
    >
      <title id={`${id}-title`}>{title}</title>
      <desc id={`${id}-desc`}>{description}</desc>
      {ticks.map((t) => (
        <g key={t} className="chart-grid">
          <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(t)} y2={y(t)} />
          <text x={MARGIN.left - 8} y={y(t)} dy="0.32em" textAnchor="end" className="chart-tick">
            {formatTick(t)}
          </text>
        </g>
      ))}
      <line className="chart-axis" x1={MARGIN.left} x2={MARGIN.left} y1={MARGIN.top} y2={MARGIN.top + plotH} />
      <line className="chart-axis" x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={MARGIN.top + plotH} y2={MARGIN.top + plotH} />
      {bars.map((bar, i) => {
        const cx = MARGIN.left + slot * i + slot / 2;
        const h = Math.max(bar.value > 0 ? 1 : 0, (bar.value / top) * plotH);
        return (
          <g key={bar.key}>
            <rect className="chart-bar" x={cx - barW / 2} y={MARGIN.top + plotH - h} width={barW} height={h}>
              <title>{bar.detail}</title>
            </rect>
            <text x={cx} y={MARGIN.top + plotH - h - 5} textAnchor="middle" className="chart-value">
              {formatTick(bar.value)}
            </text>
            <text x={cx} y={MARGIN.top + plotH + 16} textAnchor="middle" className="chart-tick">
              {bar.label[0]}
            </text>
            <text x={cx} y={MARGIN.top + plotH + 30} textAnchor="middle" className="chart-tick">
              {bar.label[1]}
            </text>
          </g>
        );
      })}
      <text
        className="chart-axis-title"
        transform={`translate(16 ${MARGIN.top + plotH / 2}) rotate(-90)`}
        textAnchor="middle"
      >
        {yLabel}
      </text>
      <text className="chart-axis-title" x={MARGIN.left + plotW / 2} y={HEIGHT - 10} textAnchor="middle">
        {xLabel}
      </text>
    </svg>
  );
}
