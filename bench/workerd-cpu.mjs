// The CPU time of workerd processes, from /proc/<pid>/stat (Linux): what
// the CPU benches count per request (bench/cpu.mjs, bench/storage-floor.mjs).
import { readFileSync, readdirSync } from 'node:fs';

/** Clock ticks a second (`getconf CLK_TCK`: 100 on Linux). */
const TICKS = 100;

/** The pids under `root` (its children, theirs, …). */
function descendants(root) {
  const parentOf = new Map();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      parentOf.set(Number(pid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch { /* gone */ }
  }
  const found = [];
  const visit = (pid) => {
    for (const [child, parent] of parentOf) if (parent === pid) { found.push(child); visit(child); }
  };
  visit(root);
  return found;
}

/**
 * CPU milliseconds the workerd processes under `root` have used so far:
 * `worker`, the one that runs the worker (and its stores' objects), and
 * `proxy`, the one that listens on `port` (when given): wrangler dev's own
 * proxy in front of it, which production does not have (it forwards every
 * request and answer, so its cost grows with the answer).
 */
export function workerdCpuMs(root, port) {
  const ms = { worker: 0, proxy: 0 };
  for (const pid of descendants(root)) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmdline.includes('workerd')) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
      ms[port != null && cmdline.includes(`entry=127.0.0.1:${port}\0`) ? 'proxy' : 'worker'] += (ticks * 1000) / TICKS;
    } catch { /* gone */ }
  }
  return ms;
}
