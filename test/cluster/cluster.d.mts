/** Whether the local test cluster's API server answers /readyz. */
export function isUp(): boolean;
/** Builds (if needed) and starts the local test cluster; returns its kubeconfig path. */
export function up(): string;
/** Stops the local test cluster and waits until none of its processes is left. */
export function down(): void;
export const NODES: number;
export const PV_POOL: number;
export const STORAGE_CLASS: string;
/** Stops every component and starts them again: an API server restart, etcd data kept. */
export function restart(): void;
