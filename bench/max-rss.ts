/**
 * Preloaded into every bench child (`node --require dist/bench/max-rss.js ...`): on exit, writes the
 * process's peak resident set size in bytes to the file named by BENCH_MAX_RSS_FILE. Works where
 * /usr/bin/time is missing, and measures the node process alone.
 */
import { writeFileSync } from "node:fs";

export const MAX_RSS_FILE_ENV = "BENCH_MAX_RSS_FILE";

const file = process.env[MAX_RSS_FILE_ENV];
if (file) process.on("exit", () => writeFileSync(file, String(process.resourceUsage().maxRSS * 1024)));
