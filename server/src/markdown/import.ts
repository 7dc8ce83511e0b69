// `runsafe import`: a draft runbook from a Markdown or plain-text runbook. Headings become sections,
// commands become steps, prose stays with the step it explains or becomes a manual step, and every
// guess is marked `# review:`. Nothing is dropped and nothing is fixed: an unsafe line of the source
// stays as written, so `runsafe lint` on the draft shows the author what to change.
import { looksSecret } from '../rules/secret-names';
import { markdownBlocks, textBlocks, type Block } from './blocks';

export interface ImportResult {
  yaml: string;
  steps: number;
  sections: number;
  inputs: string[];
  checks: number;
}

const placeholder = /(?<![<\w])<([A-Za-z][A-Za-z0-9_ .-]{0,60})>(?![>\w])|\{(env|environment|region|app|subsystem|version)\}/g;
const variableUse = /\$\{?([A-Za-z_][A-Za-z0-9_]*)/g;
const assigned = /(?:^|[\s;&|(])(?:export\s+|local\s+|readonly\s+)?([A-Za-z_][A-Za-z0-9_]*)=|\bread\s+(?:-\w+\s+)*([A-Za-z_][A-Za-z0-9_]*)|\bfor\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\b/g;
const wellKnown = new Set(['HOME', 'PATH', 'USER', 'PWD', 'SHELL', 'HOSTNAME', 'TMPDIR', 'LANG', 'TERM', 'RANDOM', 'UID', 'OLDPWD']);
const expectation = /^(?:expected(?: output)?|output|should (?:return|print|show))\s*[:\-]?\s*`?([^`\n]+?)`?\s*(?:[.;]|$)/i;

const q = (s: string) => JSON.stringify(s);

function slug(s: string): string {
  const x = s.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 48).replace(/^-+|-+$/g, '') || 'step';
  return /^[a-z]/.test(x) ? x : `step-${x}`;
}

/** A literal block scalar whose content sits `pad + 2` spaces in (explicit indicator: content may start with spaces). */
function block(pad: string, key: string, text: string): string {
  const body = text.split('\n').map((l) => (l === '' ? '' : `${pad}  ${l}`)).join('\n');
  return `${pad}${key}: |2-\n${body}\n`;
}

function placeholderName(raw: string): string {
  return raw.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '').toUpperCase() || 'VALUE';
}

interface Draft {
  inputs: Map<string, { secret: boolean; why: string }>;
  safety: string[];
  out: string[];
  steps: number;
  sections: number;
  checks: number;
  ids: Set<string>;
}

function uniqueId(d: Draft, base: string): string {
  let id = slug(base);
  for (let n = 2; d.ids.has(id); n++) id = `${slug(base)}-${n}`;
  d.ids.add(id);
  return id;
}

/** `<seed>` and `{env}` become variables (inputs reach steps only as environment variables). */
function withInputs(d: Draft, code: string): string {
  const text = code.replace(placeholder, (m, a: string | undefined, b: string | undefined) => {
    const name = placeholderName(a ?? b ?? m);
    if (!d.inputs.has(name)) d.inputs.set(name, { secret: looksSecret(name), why: `from the placeholder ${m}` });
    return `$${name}`;
  });
  const local = new Set<string>();
  for (const m of text.matchAll(assigned)) local.add((m[1] ?? m[2] ?? m[3])!);
  for (const m of text.matchAll(variableUse)) {
    const name = m[1]!;
    if (local.has(name) || wellKnown.has(name) || /^[0-9]/.test(name) || d.inputs.has(name)) continue;
    d.inputs.set(name, { secret: looksSecret(name), why: `used as $${name}` });
  }
  return text;
}

function sentences(text: string): string[] {
  return text.split(/(?<=[.!?])\s+/).map((s) => s.trim()).filter(Boolean);
}

function emit(d: Draft, blocks: Block[], title: string): void {
  // Items sit at 2 spaces at the top level, 4 inside a section, 6 inside a nested one.
  let item = '  ';
  let pendingProse: string[] = [];
  let sectionOpen = false;
  let stepsLine = -1;
  let itemsInSection = 0;
  let currentNested = false;
  const closeSection = () => {
    // An empty section still parses: `steps: []`.
    if (stepsLine >= 0 && itemsInSection === 0) d.out[stepsLine] = d.out[stepsLine]!.replace('steps:\n', 'steps: []\n');
  };
  const manual = (text: string) => {
    d.out.push(`${item}- id: ${uniqueId(d, sentences(text)[0] ?? 'manual')}\n`);
    d.out.push(`${item}  # review: prose of the source kept as a manual step; make it a command, a check or a note\n`);
    d.out.push(block(`${item}  `, 'manual', text));
    d.steps++;
    itemsInSection++;
  };
  const flushProse = () => {
    if (pendingProse.length) manual(pendingProse.join('\n\n'));
    pendingProse = [];
  };
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i]!;
    if (b.type === 'heading') {
      if (b.text === title && i === 0) continue;
      flushProse();
      const nested = b.level >= 3 && sectionOpen;
      // A nested section is an item of its parent: only a section left empty closes as `steps: []`.
      if (!(nested && !currentNested)) closeSection();
      const at = nested ? '    ' : '  ';
      d.out.push(`${at}- section: ${q(b.text)}\n`);
      stepsLine = d.out.length;
      d.out.push(`${at}  steps:\n`);
      itemsInSection = 0;
      sectionOpen = true;
      currentNested = nested;
      item = nested ? '      ' : '    ';
      d.sections++;
      continue;
    }
    if (b.type === 'prose') {
      for (const s of sentences(b.text)) if (/^(do not|don't|never)\b/i.test(s)) d.safety.push(s);
      pendingProse.push(b.text);
      continue;
    }
    // A code block: the prose before it explains it; an "Expected output" after it is its check.
    const p = item;
    const explained = pendingProse.join('\n\n');
    pendingProse = [];
    const first = sentences(explained)[0];
    d.out.push(`${p}- id: ${uniqueId(d, first ?? (b.lang === 'sql' ? 'sql' : b.text.split(/\s+/).slice(0, 3).join(' ')))}\n`);
    if (first) d.out.push(`${p}  title: ${q(first.replace(/[:.]$/, '').slice(0, 100))}\n`);
    if (explained) d.out.push(block(`${p}  `, 'description', explained));
    if (b.lang === 'other') {
      d.out.push(`${p}  # review: a block of the source that is not shell or SQL (config, output, a listing): kept for the operator\n`);
      d.out.push(block(`${p}  `, 'manual', b.text));
    } else {
      const runnable = withInputs(d, b.text);
      d.out.push(block(`${p}  `, b.lang === 'sql' ? 'sql' : 'run', runnable));
      if (runnable !== b.text) {
        d.out.push(`${p}  # review: placeholders became input variables; the source's text is kept in notes\n`);
        d.out.push(block(`${p}  `, 'notes', `As written in the source:\n${b.text}`));
      }
      const next = blocks[i + 1];
      const m = next?.type === 'prose' ? expectation.exec(next.text.trim()) : null;
      if (m) {
        d.out.push(`${p}  # review: check read from the source's ${q(m[0].trim().slice(0, 60))}\n`);
        d.out.push(`${p}  expect: { stdout: ${q(m[1]!.trim())} }\n`);
        d.checks++;
      }
    }
    d.steps++;
    itemsInSection++;
  }
  flushProse();
  closeSection();
}

export function importRunbook(source: string, name: string): ImportResult {
  const isMarkdown = /\.(md|markdown)$/i.test(name);
  const blocks = isMarkdown ? markdownBlocks(source) : textBlocks(source);
  const firstHeading = blocks.find((b) => b.type === 'heading');
  const title = (isMarkdown ? (firstHeading?.type === 'heading' ? firstHeading.text : undefined) : source.split('\n').find((l) => l.trim())?.trim()) ?? name;
  // Prose before the first heading is the runbook's description.
  const lead: string[] = [];
  let start = 0;
  while (start < blocks.length && blocks[start]!.type !== 'heading' && blocks[start]!.type !== 'code') {
    const b = blocks[start]!;
    if (b.type === 'prose') lead.push(b.text);
    start++;
  }
  const rest = blocks.slice(start);
  const d: Draft = { inputs: new Map(), safety: [], out: [], steps: 0, sections: 0, checks: 0, ids: new Set() };
  emit(d, rest, title);
  const head: string[] = [
    `# Draft runbook imported from ${name} by \`runsafe import\`.\n`,
    '# Every guess is marked `# review:`. Nothing of the source was dropped, and nothing was fixed:\n',
    '# run `runsafe lint` on this file to see what to change (quick fixes included).\n',
    'runsafe: 1\n',
    `id: ${slug(title)}\n`,
    `title: ${q(title)}\n`,
  ];
  const leadText = lead.join('\n\n');
  if (leadText) head.push(block('', 'description', leadText));
  if (d.inputs.size) {
    head.push('inputs:\n');
    for (const [n, i] of [...d.inputs].sort(([a], [b]) => a.localeCompare(b))) {
      head.push(`  # review: input ${i.why}${i.secret ? '; secret because its name says so' : ''}\n`);
      head.push(`  ${n}: { description: ${q(`${n.toLowerCase().replace(/_/g, ' ')} (${i.why})`)}, required: false${i.secret ? ', secret: true' : ''} }\n`);
    }
  }
  if (d.safety.length) {
    head.push('# review: the source\'s "Do not" lines, as safety rules the operator is shown\nsafety:\n');
    for (const s of d.safety) head.push(`  - ${q(s)}\n`);
  }
  head.push('steps:\n');
  if (d.steps === 0 && d.sections === 0) head.push('  - id: read-the-source\n    manual: Follow the source document (no command was found in it).\n');
  return { yaml: head.join('') + d.out.join(''), steps: d.steps, sections: d.sections, inputs: [...d.inputs.keys()], checks: d.checks };
}
