// Reveals a step of a runbook in the editor (run view clicks), found through the language model.
import * as vscode from 'vscode';
import { LineIndex, parseRunbook, stepAnchor } from '../../../server/src/language/index';

/** The offset of a step's anchor (its id) in the text, or undefined when no step has that id. */
export function stepOffset(text: string, stepId: string): number | undefined {
  const step = parseRunbook(text).runbook.allSteps.find((s) => s.id?.value === stepId);
  return step ? stepAnchor(step).start : undefined;
}

export async function revealStep(uri: string, stepId: string): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
  const offset = stepOffset(doc.getText(), stepId);
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  if (offset === undefined) return;
  // positions.ts is the one offset -> line/character conversion (DEVELOPERS.md).
  const at = new LineIndex(doc.getText()).positionAt(offset);
  const pos = new vscode.Position(at.line, at.character);
  editor.selection = new vscode.Selection(pos, pos);
  editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}
