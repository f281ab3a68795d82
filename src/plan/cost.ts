import { defaults } from '../core/defaults.js';

/**
 * The monthly cost table of a model service ("Cost Comparison: Docker standalone vs Kubernetes"),
 * computed from a price catalogue instead of guessed: one column per way of running the service,
 * with rows for the VM or cluster, compute, storage and the total.
 */
export interface PriceCatalogue {
  currency: string;
  source: string;
  hoursPerMonth: number;
  /** `cpu`: the vCPU one pod (and so one measured unit of capacity) gets. */
  pod: { hourly: number; cpu: number };
  controlPlane: { name: string; monthly: number };
  vm: { name: string; monthly: number; vcpu: number };
  /** Monthly: disk for the single VM, image registry for the cluster. */
  storage: { vm: number; cluster: number };
}

export const defaultPrices: PriceCatalogue = structuredClone(defaults.plan.prices) as PriceCatalogue;

export interface CostRow {
  item: string;
  monthly: number;
  note?: string;
}

export interface CostOption {
  key: 'vm' | 'fixed' | 'hpa' | 'hpa-recommended';
  title: string;
  /** VM/cluster, compute, storage: the table's three rows. */
  rows: [CostRow, CostRow, CostRow];
  total: number;
  /** For HPA columns: the total with min and with max replicas running all month. */
  range?: { low: number; high: number };
}

/** Money is shown in cents; 3 × 0.1 × 720 must print 216.00, not 216.00000000000003. */
export const cents = (value: number) => Math.round(value * 100) / 100;

/** Pods needed so the peak fits within per-pod capacity (at least one). */
export function podsForPeak(peakRps: number, capacityPerPod: number): number {
  return Math.max(1, Math.ceil(peakRps / capacityPerPod - 1e-9));
}

/**
 * A single VM runs the container with all its vCPUs; its capacity is the per-pod capacity times
 * the number of pod-sized CPU shares it holds (a t3.medium's 2 vCPU = 4 × 500m pods' worth),
 * assuming throughput scales with cores (Berth's `--workers auto`). VMs needed = ceil(peak / that).
 */
export function vmsForPeak(
  peakRps: number,
  capacityPerPod: number,
  prices: PriceCatalogue,
): { vms: number; capacityPerVm: number } {
  const shares = Math.max(1, Math.floor(prices.vm.vcpu / prices.pod.cpu + 1e-9));
  const capacityPerVm = capacityPerPod * shares;
  return { vms: Math.max(1, Math.ceil(peakRps / capacityPerVm - 1e-9)), capacityPerVm };
}

export function singleVmCost(peakRps: number, capacityPerPod: number, prices: PriceCatalogue): CostOption {
  const { vms, capacityPerVm } = vmsForPeak(peakRps, capacityPerPod, prices);
  const vmRow: CostRow = {
    item: 'VM / cluster',
    monthly: cents(vms * prices.vm.monthly),
    note: `${vms} × ${prices.vm.name}`,
  };
  return option(
    'vm',
    vms === 1 ? 'Docker (single VM)' : `Docker (${vms} VMs, ${Math.floor(capacityPerVm)} req/s each)`,
    [
      vmRow,
      { item: 'Compute', monthly: 0, note: 'included' },
      { item: 'Storage', monthly: cents(vms * prices.storage.vm), note: 'disk' },
    ],
  );
}

function clusterRows(podMonthly: number, note: string, prices: PriceCatalogue): [CostRow, CostRow, CostRow] {
  return [
    { item: 'VM / cluster', monthly: cents(prices.controlPlane.monthly), note: prices.controlPlane.name },
    { item: 'Compute', monthly: cents(podMonthly), note },
    { item: 'Storage', monthly: cents(prices.storage.cluster), note: 'registry' },
  ];
}

/** The table's "Kubernetes (3 pods)": 3 × US$0.10 × 720 h = US$216, + US$72 control plane + US$30 registry. */
export function fixedPodsCost(pods: number, prices: PriceCatalogue): CostOption {
  const monthly = pods * prices.pod.hourly * prices.hoursPerMonth;
  return option('fixed', `Kubernetes (${pods} pods)`, clusterRows(monthly, `${pods} pods`, prices));
}

/**
 * An HPA pays for the pods it actually runs: the simulated average replica count over the month
 * (pod-hours of the simulated timeline scaled to `hoursPerMonth`). `range` is the bill with min and
 * with max replicas all month, the table's "US$ 246–534".
 */
export function hpaCost(
  averageReplicas: number,
  minReplicas: number,
  maxReplicas: number,
  prices: PriceCatalogue,
  key: 'hpa' | 'hpa-recommended' = 'hpa',
): CostOption {
  const perPod = prices.pod.hourly * prices.hoursPerMonth;
  const title = `Kubernetes (HPA, ${minReplicas}-${maxReplicas} pods)`;
  const built = option(
    key,
    title,
    clusterRows(averageReplicas * perPod, `avg ${averageReplicas.toFixed(1)} pods`, prices),
  );
  const fixed = prices.controlPlane.monthly + prices.storage.cluster;
  built.range = { low: cents(fixed + minReplicas * perPod), high: cents(fixed + maxReplicas * perPod) };
  return built;
}

function option(key: CostOption['key'], title: string, rows: [CostRow, CostRow, CostRow]): CostOption {
  return { key, title, rows, total: cents(rows.reduce((sum, row) => sum + row.monthly, 0)) };
}
