// Public entry of the shell layer: initialise once, then parse synchronously with a per-text cache.
import { analyzeScript } from './analyze';
import { shellReady } from './syntax';
import type { Expansion, ShellCommand, ShellParse } from './types';

export { initShell, shellReady, type ShellWasm } from './syntax';
export * from './types';
export { basename } from './wrappers';

/** Parses are shared by every rule and every re-lint of an unchanged step; the bound keeps memory flat. */
const CACHE_LIMIT = 4096;
const cache = new Map<string, ShellParse>();

/**
 * Parses a script and analyses it. Never throws: before `initShell` resolves, or on an internal error,
 * it returns an empty analysis marked `truncated` so rules fall back to conservative checks.
 */
export function parseShell(script: string): ShellParse {
  const hit = cache.get(script);
  if (hit) {
    // Re-insert so the most recently used parses are the last to be evicted.
    cache.delete(script);
    cache.set(script, hit);
    return hit;
  }
  let result: ShellParse;
  try {
    result = analyzeScript(script);
  } catch {
    result = { script, commands: [], definitions: [], uses: [], comments: [], hasErrors: true, truncated: true };
  }
  // A parse made before the grammar loaded is a placeholder; the next call should parse for real.
  if (!shellReady()) return result;
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(script, result);
  return result;
}

/** Drops cached parses (benchmarks use it to time cold parses). */
export function clearShellCache(): void {
  cache.clear();
}

/** Uses whose value the shell actually substitutes (not `'$X'` in single quotes). */
export function expandedUses(parse: ShellParse): Expansion[] {
  return parse.uses.filter((u) => u.quoting !== 'single-literal');
}

/** The command and every command it encloses (substitutions, `bash -c` bodies), in source order. */
export function descendants(parse: ShellParse, id: number): ShellCommand[] {
  const out: ShellCommand[] = [];
  const inside = new Set([id]);
  for (const c of parse.commands) {
    if (c.id === id || (c.parentId !== null && inside.has(c.parentId))) {
      inside.add(c.id);
      out.push(c);
    }
  }
  return out;
}
