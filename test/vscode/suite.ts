// The real-editor checks of test/e2e, through the VS Code API, for desktop VS Code (@vscode/test-electron).
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const folder = () => vscode.workspace.workspaceFolders![0]!.uri;
const file = (name: string) => vscode.Uri.joinPath(folder(), name);

async function poll<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 50; ; wait = Math.min(wait * 2, 500)) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, wait));
  }
}

const checks: [string, () => Promise<void>][] = [
  ['a runbook gets the runbook language and activates Runsafe', async () => {
    const doc = await vscode.workspace.openTextDocument(file('unsafe.runbook.yaml'));
    await vscode.window.showTextDocument(doc);
    assert.equal(doc.languageId, 'runbook');
    await poll('the extension to activate', () => vscode.extensions.getExtension('runsafe.runsafe')?.isActive);
  }],
  ['the unsafe line has a secret-echo diagnostic on line 10', async () => {
    const diags = await poll('secret-echo', () => {
      const d = vscode.languages.getDiagnostics(file('unsafe.runbook.yaml')).filter((x) => String(typeof x.code === 'object' ? x.code.value : x.code) === 'secret-echo');
      return d.length ? d : undefined;
    });
    assert.equal(diags[0]!.range.start.line, 9);
    assert.equal(diags[0]!.range.start.character, 12);
  }],
  ['hover shows the rule and its docs', async () => {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', file('unsafe.runbook.yaml'), new vscode.Position(9, 14));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /secret-echo/);
    assert.match(text, /docs\/rules\/secret-echo\.md/);
  }],
  ['the outline lists the steps', async () => {
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', file('unsafe.runbook.yaml'));
    const names: string[] = [];
    const walk = (s: vscode.DocumentSymbol[]) => s.forEach((x) => (names.push(x.name), walk(x.children)));
    walk(symbols);
    assert.ok(names.some((n) => n.includes('check-password')) && names.some((n) => n.includes('done')), names.join(', '));
  }],
  ['the quick fix removes the diagnostic', async () => {
    const uri = file('unsafe.runbook.yaml');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, new vscode.Range(9, 12, 9, 24));
    const fix = actions.find((a) => a.title.includes('Print the length of DB_PASSWORD'));
    assert.ok(fix?.edit, actions.map((a) => a.title).join(', '));
    await vscode.workspace.applyEdit(fix.edit);
    await poll('secret-echo to go away', () => !vscode.languages.getDiagnostics(uri).some((x) => String(typeof x.code === 'object' ? x.code.value : x.code) === 'secret-echo'));
  }],
  ['Run step runs only the first step and its transcript verifies without the secret', async () => {
    const result = await vscode.commands.executeCommand<{ status: string; transcriptPath?: string; verification?: { verdict: string } }>('runsafe.runStep', file('demo.runbook.yaml').toString(), 'greet');
    assert.equal(result?.status, 'passed');
    assert.ok(result.verification && ['verified', 'unsigned'].includes(result.verification.verdict));
    const text = readFileSync(result.transcriptPath!, 'utf8');
    assert.ok(!text.includes(process.env['DEMO_TOKEN']!), 'the secret is in the transcript');
    await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(file('never-run.marker'))));
  }],
];

export async function run(): Promise<void> {
  let failed = 0;
  for (const [name, fn] of checks) {
    try {
      await fn();
      console.log(`✔ ${name}`);
    } catch (err) {
      failed++;
      console.log(`✖ ${name}\n  ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  console.log(`${checks.length - failed} passed, ${failed} failed`);
  if (failed) throw new Error(`${failed} check(s) failed`);
}
