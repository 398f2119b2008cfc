/** The flags naming a Sluice cluster for `sluice apply` and `sluice migrate` (no imports: the CLI parses them eagerly). */
export interface ClusterFlags {
  readonly cluster?: string;
  readonly group?: string;
  readonly workerConfig?: string;
}

/** A usage problem with the flags, or undefined when they name a group. */
export function clusterFlagsProblem(flags: ClusterFlags): string | undefined {
  if (flags.workerConfig !== undefined) return undefined;
  if (flags.cluster === undefined || flags.group === undefined) return '--cluster NATS_URL and --group GROUP_ID, or --worker-config FILE';
  return undefined;
}
