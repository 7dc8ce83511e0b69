// Fingerprints of findings that survive unrelated edits: rule + the step (or top-level key) the
// finding is in + the flagged text + its ordinal among identical ones. Line numbers take no part,
// so inserting lines above a finding keeps its fingerprint (SARIF partialFingerprints, baselines).
import { sha256 } from '@noble/hashes/sha2.js';
import { toHex, utf8 } from '../signing/bytes';
import type { ParsedRunbook, Problem, Step } from '../../../server/src/language/index';

/** The SARIF partialFingerprints key; bump the version if the recipe changes. */
export const fingerprintKey = 'runsafe/v1';

interface Owner {
  start: number;
  end: number;
  name: string;
}

/** Stable step keys: group plus id, or group plus position among that group's id-less steps. */
export function stepKeys(steps: Step[]): string[] {
  const anonymous = new Map<string, number>();
  return steps.map((step) => {
    if (step.id !== undefined) return `${step.group}:${step.id.value}`;
    const n = (anonymous.get(step.group) ?? 0) + 1;
    anonymous.set(step.group, n);
    return `${step.group}:#${n}`;
  });
}

/** Steps and top-level keys, smallest span first, so a step inside `steps:` owns its findings. */
function ownersOf(parsed: ParsedRunbook): Owner[] {
  const steps = parsed.runbook.allSteps;
  const keys = stepKeys(steps);
  const owners: Owner[] = steps.map((s, i) => ({ start: s.node.span.start, end: s.node.span.end, name: keys[i]! }));
  const root = parsed.root;
  for (const p of root?.kind === 'map' ? root.pairs : []) owners.push({ start: p.key.span.start, end: Math.max(p.key.span.end, p.value.span.end), name: `top:${String(p.key.value)}` });
  return owners.sort((a, b) => a.end - a.start - (b.end - b.start));
}

function ownerAt(owners: Owner[], offset: number): string {
  return owners.find((o) => offset >= o.start && offset < o.end)?.name ?? 'document';
}

function flaggedText(text: string, p: Problem): string {
  const s = text.slice(p.span.start, p.span.end).replace(/\s+/g, ' ').trim();
  if (s) return s;
  const lineStart = text.lastIndexOf('\n', p.span.start - 1) + 1;
  const lineEnd = text.indexOf('\n', p.span.start);
  return text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd).replace(/\s+/g, ' ').trim();
}

/** One fingerprint per problem of a parsed runbook, in the problems' order. */
export function fingerprintProblems(parsed: ParsedRunbook, problems: Problem[]): string[] {
  return fingerprintWith(parsed.text, ownersOf(parsed), problems);
}

/** The same for a document without steps (Markdown): rule, flagged text and ordinal. */
export function fingerprintText(text: string, problems: Problem[]): string[] {
  return fingerprintWith(text, [], problems);
}

function fingerprintWith(text: string, owners: Owner[], problems: Problem[]): string[] {
  const seen = new Map<string, number>();
  return problems.map((p) => {
    const basis = `${p.code}\u0000${ownerAt(owners, p.span.start)}\u0000${flaggedText(text, p)}`;
    const n = (seen.get(basis) ?? 0) + 1;
    seen.set(basis, n);
    return toHex(sha256(utf8(`${basis}\u0000${n}`))).slice(0, 32);
  });
}
