/** Line plots as standalone SVG (no dependencies), and PNG by rendering the SVG in headless Chromium when there is one. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];

function niceStep(range: number, ticks: number): number {
  const raw = range / ticks;
  const power = 10 ** Math.floor(Math.log10(raw || 1));
  const unit = raw / power;
  return (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10) * power;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const label = (v: number): string => (Math.abs(v) >= 1000 ? `${v / 1000}k`.replace('.0k', 'k') : String(+v.toPrecision(4)));

export interface PlotSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Record<string, Array<[number, number]>>;
}

export function svgPlot(spec: PlotSpec, width = 720, height = 440): string {
  const margin = { left: 70, right: 20, top: 40, bottom: 80 };
  const points = Object.values(spec.series).flat().filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const xMax = Math.max(1, ...points.map(([x]) => x));
  const yMax = Math.max(1, ...points.map(([, y]) => y));
  const xStep = niceStep(xMax, 6);
  const yStep = niceStep(yMax, 6);
  const xTop = Math.ceil(xMax / xStep) * xStep;
  const yTop = Math.ceil(yMax / yStep) * yStep;
  const w = width - margin.left - margin.right;
  const h = height - margin.top - margin.bottom;
  const px = (x: number): number => margin.left + (x / xTop) * w;
  const py = (y: number): number => margin.top + h - (y / yTop) * h;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(spec.title)}</text>`,
  ];
  for (let x = 0; x <= xTop + 1e-9; x += xStep) {
    out.push(`<line x1="${px(x)}" y1="${margin.top}" x2="${px(x)}" y2="${margin.top + h}" stroke="#e4e4e4"/>`);
    out.push(`<text x="${px(x)}" y="${margin.top + h + 16}" text-anchor="middle">${label(x)}</text>`);
  }
  for (let y = 0; y <= yTop + 1e-9; y += yStep) {
    out.push(`<line x1="${margin.left}" y1="${py(y)}" x2="${margin.left + w}" y2="${py(y)}" stroke="#e4e4e4"/>`);
    out.push(`<text x="${margin.left - 6}" y="${py(y) + 4}" text-anchor="end">${label(y)}</text>`);
  }
  out.push(`<rect x="${margin.left}" y="${margin.top}" width="${w}" height="${h}" fill="none" stroke="#888"/>`);
  out.push(`<text x="${margin.left + w / 2}" y="${margin.top + h + 36}" text-anchor="middle">${esc(spec.xLabel)}</text>`);
  out.push(`<text transform="translate(18 ${margin.top + h / 2}) rotate(-90)" text-anchor="middle">${esc(spec.yLabel)}</text>`);
  Object.entries(spec.series).forEach(([name, data], i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    const pts = data.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)).sort((a, b) => a[0] - b[0]);
    if (pts.length > 1) out.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${pts.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')}"/>`);
    for (const [x, y] of pts) out.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3.5" fill="${colour}"><title>${x}: ${y.toFixed(1)}</title></circle>`);
    const lx = margin.left + (i % 2) * (w / 2);
    const ly = margin.top + h + 56 + Math.floor(i / 2) * 16;
    out.push(`<line x1="${lx}" y1="${ly - 4}" x2="${lx + 18}" y2="${ly - 4}" stroke="${colour}" stroke-width="2"/>`);
    out.push(`<text x="${lx + 24}" y="${ly}">${esc(name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/**
 * Renders SVG files to PNG files beside them in headless Chromium (playwright-core). Returns null
 * on success, else why there are no PNGs.
 */
export async function svgsToPng(files: Array<{ svg: string; png: string }>): Promise<string | null> {
  const executablePath = process.env['BENCH_CHROMIUM'] ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) return `no Chromium at ${executablePath} (set BENCH_CHROMIUM): SVG only`;
  let browser: Browser | null = null;
  try {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, timeout: 60_000 });
    const page = await browser.newPage();
    for (const { svg, png } of files) {
      const text = readFileSync(svg, 'utf8');
      const w = Number(/width="(\d+)"/.exec(text)?.[1] ?? 720);
      const h = Number(/height="(\d+)"/.exec(text)?.[1] ?? 440);
      await page.setViewportSize({ width: w, height: h });
      await page.setContent(`<html><body style="margin:0">${text}</body></html>`);
      writeFileSync(png, await page.screenshot({ clip: { x: 0, y: 0, width: w, height: h } }));
    }
    return null;
  } catch (error) {
    return `PNG rendering failed (${(error as Error).message.split('\n')[0]}): SVG only`;
  } finally {
    await browser?.close().catch(() => undefined);
  }
}
