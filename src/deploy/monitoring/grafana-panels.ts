/**
 * Building blocks of a Grafana dashboard (JSON model, schemaVersion 39:
 * https://grafana.com/docs/grafana/latest/dashboards/build-dashboards/view-dashboard-json-model/).
 * Every panel and variable queries the datasource chosen at import time through the
 * `${DS_PROMETHEUS}` input.
 */
export const datasource = { type: 'prometheus', uid: '${DS_PROMETHEUS}' } as const;

export interface Target {
  expr: string;
  legend: string;
}

export interface TimeseriesSpec {
  title: string;
  description: string;
  unit: string;
  targets: Target[];
  /** Drawn as a dashed line (and coloured red above it, or below it with `thresholdBelow`). */
  threshold?: number;
  thresholdBelow?: boolean;
  min?: number;
  max?: number;
  stack?: boolean;
}

export interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}

export function rowPanel(id: number, title: string, y: number): Record<string, unknown> {
  return { id, type: 'row', title, collapsed: false, gridPos: { x: 0, y, w: 24, h: 1 }, panels: [] };
}

export function timeseriesPanel(id: number, spec: TimeseriesSpec, gridPos: GridPos): Record<string, unknown> {
  const steps =
    spec.threshold === undefined
      ? [{ color: 'green', value: null }]
      : spec.thresholdBelow
        ? [
            { color: 'red', value: null },
            { color: 'green', value: spec.threshold },
          ]
        : [
            { color: 'green', value: null },
            { color: 'red', value: spec.threshold },
          ];
  return {
    id,
    type: 'timeseries',
    title: spec.title,
    description: spec.description,
    datasource,
    gridPos,
    fieldConfig: {
      defaults: {
        unit: spec.unit,
        ...(spec.min === undefined ? {} : { min: spec.min }),
        ...(spec.max === undefined ? {} : { max: spec.max }),
        color: { mode: 'palette-classic' },
        custom: {
          drawStyle: 'line',
          lineWidth: 2,
          fillOpacity: spec.stack ? 30 : 10,
          showPoints: 'never',
          spanNulls: false,
          stacking: { mode: spec.stack ? 'normal' : 'none', group: 'A' },
          thresholdsStyle: { mode: spec.threshold === undefined ? 'off' : 'dashed' },
        },
        thresholds: { mode: 'absolute', steps },
      },
      overrides: [],
    },
    options: {
      legend: { displayMode: 'list', placement: 'bottom', showLegend: true },
      tooltip: { mode: 'multi', sort: 'desc' },
    },
    targets: spec.targets.map((target, index) => ({
      refId: String.fromCharCode(65 + index),
      datasource,
      expr: target.expr,
      legendFormat: target.legend,
      range: true,
    })),
  };
}

/** A query variable over a label of berth_model_ready (every Berth pod exports it). */
export function labelVariable(name: string, label: string, source: string): Record<string, unknown> {
  const query = `label_values(${source}, ${label})`;
  return {
    name,
    label,
    type: 'query',
    datasource,
    query: { query, refId: `${name}-variable` },
    definition: query,
    // 2 = refresh on time range change, so pods that came and went show up.
    refresh: 2,
    includeAll: true,
    multi: true,
    // An absent label reads as "", which `.*` matches: the dashboard also works without the
    // Operator's namespace/pod labels (a plain scrape config).
    allValue: '.*',
    current: { selected: true, text: ['All'], value: ['$__all'] },
    options: [],
    regex: '',
    sort: 1,
    hide: 0,
  };
}
