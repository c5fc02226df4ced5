// ECharts with only the parts the pages use, to keep the bundle small.
import * as echarts from 'echarts/core';
import { LineChart, BarChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, LegendComponent, MarkLineComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { h, monthsLabels, t } from './util';

echarts.use([LineChart, BarChart, GridComponent, TooltipComponent, LegendComponent, MarkLineComponent, CanvasRenderer]);

const font = '"Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei",sans-serif';
const palette = ['#1f5fa8', '#9db4d0', '#e0873a', '#3a9d7a', '#c0504d', '#7a5ba8'];
const live: echarts.ECharts[] = [];

/** disposeCharts frees the charts of the previous page. */
export function disposeCharts() {
  while (live.length) live.pop()!.dispose();
}

window.addEventListener('resize', () => live.forEach((c) => c.resize()));

function mount(height: number, option: any, onClick?: (p: any) => void): HTMLElement {
  const el = h('div.chart', { style: { height: height + 'px' } });
  // Init once the element is in the document (pages are assembled before
  // they are attached), so the chart gets its real width.
  let tries = 0;
  const init = () => {
    if (!el.isConnected) {
      if (++tries < 600) requestAnimationFrame(init);
      return;
    }
    const c = echarts.init(el, undefined, { renderer: 'canvas' });
    c.setOption({ color: palette, textStyle: { fontFamily: font }, animation: false, ...option });
    if (onClick) c.on('click', onClick);
    live.push(c);
  };
  requestAnimationFrame(init);
  return el;
}

/** trendChart draws this year against last year by month. */
export function trendChart(cur: (number | null)[], prev: (number | null)[], year: number, unit: string, height = 220): HTMLElement {
  return mount(height, {
    grid: { left: 56, right: 16, top: 30, bottom: 24 },
    tooltip: { trigger: 'axis' },
    legend: { top: 0, right: 8, itemHeight: 8, textStyle: { fontSize: 12 } },
    xAxis: { type: 'category', data: monthsLabels(), axisTick: { show: false } },
    yAxis: { type: 'value', scale: true, name: unit, nameTextStyle: { fontSize: 11 }, splitLine: { lineStyle: { color: '#eef1f5' } } },
    series: [
      { name: String(year) + t('年', ''), type: 'line', data: cur, symbolSize: 6, lineStyle: { width: 2.5 } },
      { name: String(year - 1) + t('年', ''), type: 'line', data: prev, symbolSize: 4, lineStyle: { width: 1.5, type: 'dashed' } },
    ],
  });
}

/** barChart draws one value per category; onClick gets the category index. */
export function barChart(labels: string[], values: (number | null)[], opts: { height?: number; horizontal?: boolean; name?: string; avg?: number | null; onClick?: (i: number) => void } = {}): HTMLElement {
  const cat = { type: 'category', data: labels, axisTick: { show: false }, axisLabel: { fontSize: 11, interval: 0, rotate: opts.horizontal ? 0 : labels.length > 10 ? 35 : 0 } };
  const val = { type: 'value', splitLine: { lineStyle: { color: '#eef1f5' } } };
  const series: any = { name: opts.name || '', type: 'bar', data: values, barMaxWidth: 26, itemStyle: { color: '#1f5fa8' } };
  if (opts.avg !== undefined && opts.avg !== null) {
    series.markLine = { symbol: 'none', silent: true, data: [{ [opts.horizontal ? 'xAxis' : 'yAxis']: opts.avg, name: t('全院', 'hospital') }], lineStyle: { color: '#e0873a' }, label: { formatter: t('全院 ', 'hospital ') + '{c}' } };
  }
  return mount(opts.height || 260, {
    grid: { left: opts.horizontal ? 110 : 50, right: 24, top: 16, bottom: opts.horizontal ? 24 : labels.length > 10 ? 70 : 30 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: opts.horizontal ? val : cat,
    yAxis: opts.horizontal ? { ...cat, inverse: true } : val,
    series: [series],
  }, opts.onClick ? (p: any) => opts.onClick!(p.dataIndex) : undefined);
}
