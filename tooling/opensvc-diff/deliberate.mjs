// The differences capsule makes on purpose, each with the words of README.md
// ("Coming from OpenSVC") that list it: a difference matching none of these
// is a bug or a new deliberate difference to document.

/** kind, keyword (and driver) patterns, and the README text that gives the reason. */
export const DELIBERATE = [
  { kind: 'value', keyword: /^always_on$/, readme: '`always_on = nodes drpnodes`' },
  { kind: 'unknown', keyword: /^mode$/, driver: /^DEFAULT$/, readme: '`mode` is ignored' },
  { kind: 'unknown', keyword: /^pg_/, readme: 'the `pg_*` process group limits' },
  { kind: 'unknown', keyword: /^(blocking_)?(pre|post)_run$|^run_requires$/, readme: 'the `run` action of tasks' },
  { kind: 'unknown', keyword: /^(blocking_)?(pre|post)_sync_(update|resync|restore)$|^sync_(update|resync|restore|break|nodes|drp)_requires$/, readme: 'data sync actions' },
  { kind: 'unknown', keyword: /^(bwlimit|presnap_trigger|postsnap_trigger|snap_size|schedule|sync_max_delay)$/, readme: 'snapshots and schedules of data syncs' },
  { kind: 'unknown', keyword: /^(access|aws|aws_profile|container_data_dir|docker_daemon_args|docker_daemon_private|docker_exe|dockerd_exe|registry_creds)$/, driver: /^DEFAULT$/, readme: 'volumes, Docker and Amazon' },
  { kind: 'unknown', keyword: /^(scale|scaler_slave|slaves|flex_cpu_high_threshold|flex_cpu_low_threshold)$/, driver: /^DEFAULT$/, readme: '`scale`, `scaler_slave`' },
  { kind: 'error-capsule', keyword: /^(type|src|dst|dstfs|options|bwlimit|snap|reset_options)$/, driver: /^sync\./, readme: '`[sync#N] type = rsync`' },
  { kind: 'error-capsule', keyword: /^(secrets|configs)_environment$/, readme: '`secrets_environment`/`configs_environment`' },
  { kind: 'error-capsule', keyword: /^dns_update$/, readme: 'ip `dns_update = true`' },
  { kind: 'error-capsule', keyword: /^constraints$/, driver: /^DEFAULT$/, readme: '`[DEFAULT] constraints`' },
  { kind: 'error-capsule', keyword: /^zone$/, driver: /^fs\./, readme: 'fs `zone`' },
  { kind: 'unknown', keyword: /^(scsireserv|prkey|no_preempt_abort)$/, driver: /^(fs|container)\./, readme: '`scsireserv` on fs and container sections' },
  { kind: 'unknown', keyword: /^dsf$/, driver: /^disk\.vg$/, readme: "HP-UX's vg `dsf`" },
  { kind: 'error-capsule', keyword: /^type$/, driver: /^container\.(jail|zone)$/, readme: 'the keywords of a driver not installed on this node' },
];

/** Nothing is left to other work: every difference is deliberate and listed, or unexplained. */
export const ELSEWHERE = () => false;

const words = (s) => s.replace(/\s+/g, ' ');

/** The deliberate entry a difference matches, if any; `listed` says whether the README holds its words. */
export function classify(row, readme) {
  if (!row.diff) return undefined;
  if (ELSEWHERE(row)) return { class: 'elsewhere' };
  const d = DELIBERATE.find((e) => e.kind === row.diff.kind && e.keyword.test(row.keyword) && (!e.driver || e.driver.test(row.driver)));
  if (!d) return { class: 'unexplained' };
  return { class: words(readme).includes(words(d.readme)) ? 'deliberate' : 'deliberate-unlisted', readme: d.readme };
}
