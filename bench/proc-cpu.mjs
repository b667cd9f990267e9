// CPU seconds used by the workerd process Miniflare started (Linux /proc), to show how much
// of the machine the whole runtime (worker, D1's SQLite, queue broker, HTTP) needed.
import { readFileSync, readdirSync } from "node:fs";

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

const stat = (pid) => {
  const text = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name may contain spaces; fields after it are space-separated.
  const [comm, rest] = [text.slice(text.indexOf("(") + 1, text.lastIndexOf(")")), text.slice(text.lastIndexOf(")") + 2).split(" ")];
  return { comm, ppid: Number(rest[1]), utime: Number(rest[11]), stime: Number(rest[12]) };
};

/** The workerd child of this Node process, or null where /proc is unavailable. */
export const findWorkerdPid = () => {
  try {
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const s = stat(entry);
        if (s.ppid === process.pid && s.comm.startsWith("workerd")) return Number(entry);
      } catch {
        // the process ended while we looked
      }
    }
  } catch {
    return null;
  }
  return null;
};

export const cpuSeconds = (pid) => {
  if (pid === null) return null;
  const s = stat(pid);
  return (s.utime + s.stime) / TICKS_PER_SECOND;
};
