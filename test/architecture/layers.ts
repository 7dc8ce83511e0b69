// The layering check: the resolved import graph of server/src and client/src against the
// per-layer allowlists of DEVELOPERS.md's layout table, transitively, plus a neutral-platform
// esbuild bundle of each pure layer. A function of a root folder, so a test can run it on a
// temporary file graph and prove each kind of violation is caught.
import ts from 'typescript';
import { buildSync } from 'esbuild';
import { builtinModules } from 'node:module';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** One row of the layout table: a folder (ending in /) or a file, its job, what it may import. */
export interface Layer {
  path: string;
  job: string;
  /** Backticked entries of the "may import" cell: repo paths, npm packages (`@noble/*`), `node:*`. */
  mayImport: string[];
  /** The job starts with "pure": no Node built-ins, bundles for a neutral platform. */
  pure: boolean;
}

/** Reads the layout table under "## Layout and import rules" of DEVELOPERS.md. */
export function readLayers(markdown: string): Layer[] {
  const section = markdown.split(/^## /m).find((s) => s.startsWith('Layout and import rules'));
  if (!section) throw new Error('DEVELOPERS.md has no "## Layout and import rules" section');
  const layers: Layer[] = [];
  for (const line of section.split('\n')) {
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    if (cells.length !== 3 || !cells[0]!.startsWith('`')) continue;
    const ticks = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    layers.push({ path: ticks(cells[0]!)[0]!, job: cells[1]!, mayImport: ticks(cells[2]!), pure: /^pure\b/i.test(cells[1]!) });
  }
  if (layers.length === 0) throw new Error('the layout table of DEVELOPERS.md has no rows');
  return layers;
}

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const isBuiltin = (spec: string) => builtins.has(spec) || builtins.has(spec.split('/')[0]!) || spec.startsWith('node:');
const isPathEntry = (entry: string) => entry.endsWith('/') || /\.(ts|json)$/.test(entry);
/** `vscode-languageserver/node` -> `vscode-languageserver`; `@noble/hashes/sha2` -> `@noble/hashes`. */
const packageOf = (spec: string) => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');

/** A node of the graph: a repo file, or an external module (`node:fs`, `yaml`). */
type Target = { file: string } | { external: string };
const label = (t: Target) => ('file' in t ? t.file : t.external);

function sourceFiles(root: string, dir: string): string[] {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  const out: string[] = [];
  for (const name of readdirSync(abs).sort()) {
    const p = join(abs, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(root, relative(root, p)));
    else if (/\.(ts|mts|cts)$/.test(name) && !name.endsWith('.d.ts')) out.push(relative(root, p));
  }
  return out;
}

/** Every import of a file, resolved: type-only, side-effect, re-export, require() and import() included. */
export function importsOf(root: string, file: string): { spec: string; target: Target | null }[] {
  const info = ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true);
  return info.importedFiles.map(({ fileName: spec }) => {
    if (!spec.startsWith('.')) return { spec, target: { external: isBuiltin(spec) ? `node:${spec.replace(/^node:/, '')}` : packageOf(spec) } };
    const base = resolve(root, dirname(file), spec);
    const found = [base, `${base}.ts`, join(base, 'index.ts')].find((p) => existsSync(p) && statSync(p).isFile());
    return { spec, target: found ? { file: relative(root, found) } : null };
  });
}

export interface Graph {
  files: string[];
  edges: Map<string, { spec: string; target: Target | null }[]>;
}

export function buildGraph(root: string, dirs = ['server/src', 'client/src']): Graph {
  const files = dirs.flatMap((d) => sourceFiles(root, d));
  const edges = new Map<string, { spec: string; target: Target | null }[]>();
  const visit = (f: string) => {
    if (edges.has(f) || !/\.(ts|mts|cts)$/.test(f)) return;
    edges.set(f, importsOf(root, f));
    for (const e of edges.get(f)!) if (e.target && 'file' in e.target) visit(e.target.file);
  };
  files.forEach(visit);
  return { files, edges };
}

/** The row a file belongs to: the longest matching folder or the file itself. */
export function layerOf(layers: Layer[], file: string): Layer | undefined {
  return layers.filter((l) => (l.path.endsWith('/') ? file.startsWith(l.path) : file === l.path)).sort((a, b) => b.path.length - a.path.length)[0];
}

/** What a layer may reach: its own entries plus, for each layer it names, what that layer may reach. */
export function reachable(layers: Layer[], layer: Layer, seen = new Set<string>()): Set<string> {
  const out = new Set(layer.mayImport);
  seen.add(layer.path);
  for (const entry of layer.mayImport) {
    const named = layers.find((l) => l.path === entry);
    if (named && !seen.has(named.path)) for (const e of reachable(layers, named, seen)) out.add(e);
  }
  return out;
}

function allows(allowed: Set<string>, layer: Layer, layers: Layer[], t: Target): boolean {
  if ('file' in t) {
    if (layerOf(layers, t.file) === layer) return true;
    return [...allowed].some((e) => isPathEntry(e) && (e.endsWith('/') ? t.file.startsWith(e) : t.file === e));
  }
  if (t.external.startsWith('node:')) return allowed.has('node:*') || allowed.has(t.external);
  return [...allowed].some((e) => !isPathEntry(e) && (e === t.external || (e.endsWith('/*') && t.external.startsWith(e.slice(0, -1)))));
}

/** Every violation of the table in the graph, one line each, with the import path that shows it. */
export function checkGraph(layers: Layer[], graph: Graph): string[] {
  const problems: string[] = [];
  for (const f of graph.files) {
    if (!layerOf(layers, f)) problems.push(`${f} belongs to no row of DEVELOPERS.md's layout table: add its folder (or the file) with what it may import`);
    for (const e of graph.edges.get(f) ?? []) if (!e.target) problems.push(`${f} imports '${e.spec}', which does not resolve to a file`);
  }
  for (const layer of layers) {
    const allowed = reachable(layers, layer);
    const starts = graph.files.filter((f) => layerOf(layers, f) === layer);
    // Breadth first from the layer's files: the first path found to each module is the one reported.
    const via = new Map<string, string[]>(starts.map((f) => [f, [f]]));
    const queue = [...starts];
    const reported = new Set<string>();
    while (queue.length) {
      const f = queue.shift()!;
      for (const e of graph.edges.get(f) ?? []) {
        if (!e.target) continue;
        const key = label(e.target);
        const path = [...via.get(f)!, key];
        if (!allows(allowed, layer, layers, e.target) && !reported.has(key)) {
          reported.add(key);
          problems.push(`${layer.path} reaches ${key} (${path.join(' -> ')}), which its "may import" cell in DEVELOPERS.md does not allow`);
        }
        if ('file' in e.target && !via.has(key)) {
          via.set(key, path);
          queue.push(key);
        }
      }
    }
  }
  return problems;
}

/**
 * The second check: each pure layer's files bundled for a neutral platform (npm packages left
 * external). Anything the bundle still needs from outside must be a package the layer may reach;
 * a Node built-in is refused, however it is imported.
 */
export function checkPureBundles(root: string, layers: Layer[], graph: Graph): string[] {
  const problems: string[] = [];
  for (const layer of layers.filter((l) => l.pure)) {
    const entryPoints = graph.files.filter((f) => layerOf(layers, f) === layer).map((f) => join(root, f));
    if (entryPoints.length === 0) continue;
    const allowed = reachable(layers, layer);
    let r: ReturnType<typeof buildSync>;
    try {
      r = buildSync({ entryPoints, bundle: true, write: false, metafile: true, platform: 'neutral', packages: 'external', format: 'esm', outdir: join(root, '.neutral-bundle'), logLevel: 'silent' });
    } catch (err) {
      const errors = (err as { errors?: { text: string; location?: { file: string; line: number } | null }[] }).errors ?? [{ text: String(err) }];
      for (const e of errors) problems.push(`the neutral-platform bundle of ${layer.path} fails: ${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text}`);
      continue;
    }
    for (const [out, meta] of Object.entries(r.metafile!.outputs)) {
      for (const imp of meta.imports) {
        if (!imp.external) continue;
        const t: Target = { external: isBuiltin(imp.path) ? `node:${imp.path.replace(/^node:/, '')}` : packageOf(imp.path) };
        if (t.external.startsWith('node:') || !allows(allowed, layer, layers, t)) {
          problems.push(`the neutral-platform bundle of ${layer.path} (${relative(join(root, '.neutral-bundle'), out)}) needs '${imp.path}'`);
        }
      }
    }
  }
  return problems;
}
