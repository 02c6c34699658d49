/**
 * The price over time, drawn by uPlot: the price as a step line, bids as filled points, automatic
 * bids as open points; extensions and the reserve dashed, the instant shown as a solid line.
 */
import uPlot from 'uplot';
import { money } from '../../format';

export interface ChartData {
  times: number[];
  price: number[];
  manual: Array<number | null>;
  automatic: Array<number | null>;
  extensions: number[];
  reserve: number | null;
  from: number;
  to: number;
  currency: string;
}

function overlay(u: uPlot, data: ChartData, at: () => number) {
  const { ctx } = u;
  const { left, top, width, height } = u.bbox;
  ctx.save();
  ctx.lineWidth = 1.5 * devicePixelRatio;
  const line = (x1: number, y1: number, x2: number, y2: number, color: string, dash: number[]) => {
    ctx.strokeStyle = color;
    ctx.setLineDash(dash);
    ctx.beginPath();
    ctx.moveTo(x1, y1);
    ctx.lineTo(x2, y2);
    ctx.stroke();
  };
  const vertical = (t: number, color: string, dash: number[]) => {
    const x = u.valToPos(t, 'x', true);
    if (x >= left && x <= left + width) line(x, top, x, top + height, color, dash);
  };
  for (const t of data.extensions) vertical(t, '#8e44ad', [6, 4]);
  if (data.reserve !== null) {
    const y = u.valToPos(data.reserve, 'y', true);
    line(left, y, left + width, y, '#c0392b', [6, 4]);
  }
  vertical(at(), '#2c3e50', []);
  ctx.restore();
}

export function drawChart(target: HTMLElement, data: ChartData, at: () => number) {
  return new uPlot(
    {
      width: Math.min(900, target.clientWidth || 900),
      height: 320,
      scales: { x: { time: true, range: [data.from, data.to] } },
      series: [
        {},
        {
          label: `Price (${data.currency})`,
          stroke: '#2c3e50',
          width: 2,
          paths: uPlot.paths.stepped!({ align: 1 }),
        },
        { label: 'Bid', stroke: '#2980b9', width: 0, points: { show: true, size: 9, fill: '#2980b9' } },
        {
          label: 'Automatic bid',
          stroke: '#e67e22',
          width: 0,
          points: { show: true, size: 10, fill: '#fff', width: 2 },
        },
      ],
      axes: [{}, { values: (_u, ticks) => ticks.map((v) => money(v * 100, data.currency)) }],
      hooks: { draw: [(u) => overlay(u, data, at)] },
    },
    [data.times, data.price, data.manual, data.automatic],
    target,
  );
}
