// Small bar charts in HTML and CSS (a few bars are all the head's figures need; no chart
// library). `funnel` centres the bars so the stages read as a funnel.
export interface Bar {
  label: string;
  value: number;
  note?: string;
}

export function BarRows({ bars, testId, funnel = false }: { bars: Bar[]; testId?: string; funnel?: boolean }) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  return (
    <div class={funnel ? 'bars funnel' : 'bars'} data-testid={testId}>
      {bars.map((b) => (
        <div class="bar-row" key={b.label}>
          <span class="bar-label">{b.label}</span>
          <span class="bar-track">
            <span class="bar-fill" style={{ width: `${Math.max((100 * b.value) / max, b.value ? 2 : 0)}%` }} />
          </span>
          <span class="bar-value">
            {b.value}
            {b.note ? <small> {b.note}</small> : null}
          </span>
        </div>
      ))}
    </div>
  );
}
