import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";

const COLORS = ["#2563eb", "#ea580c", "#16a34a", "#9333ea", "#db2777", "#0891b2"];

export interface ChartProps {
  title: string;
  /** Seconds since the epoch. */
  x: number[];
  lines: { label: string; values: (number | null)[] }[];
  unit: string;
}

/** A live time-series chart (uPlot): created once per set of lines, its data replaced on each update. */
export function Chart({ title, x, lines, unit }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const labels = lines.map((l) => l.label).join("|");
  useEffect(() => {
    if (!box.current) return;
    const width = Math.max(260, Math.min(box.current.clientWidth || 360, 560));
    plot.current = new uPlot(
      {
        title,
        width,
        height: 160,
        scales: { x: { time: true } },
        axes: [{}, { label: unit, size: 50 }],
        series: [{}, ...lines.map((l, i) => ({ label: l.label, stroke: COLORS[i % COLORS.length], width: 1.5, spanGaps: false }))],
        legend: { show: true },
      },
      [x, ...lines.map((l) => l.values)] as uPlot.AlignedData,
      box.current,
    );
    return () => {
      plot.current?.destroy();
      plot.current = null;
    };
  }, [labels, title, unit]); // new data goes through setData below, not a new chart
  useEffect(() => {
    plot.current?.setData([x, ...lines.map((l) => l.values)] as uPlot.AlignedData);
  }, [x, lines]);
  return <div class="chart" ref={box} role="img" aria-label={`${title} over the last 15 minutes`} />;
}
