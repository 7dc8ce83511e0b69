// Generates realistic runbooks of a given size for benches and scale tests.

/** A runbook of roughly `lines` lines: inputs, sections, run/manual/wait steps, block scripts. */
export function generateRunbook(lines: number, id = 'generated'): string {
  const out: string[] = [
    'runsafe: 1',
    `id: ${id}`,
    'title: Generated runbook',
    'owner: ops@example.com',
    'target: APP_ENV',
    'inputs:',
    '  APP_ENV: { description: Target environment, enum: [staging, prod], default: staging }',
    '  NEW_SEED: { description: New seed, secret: true }',
    'steps:',
  ];
  let n = 0;
  while (out.length < lines) {
    out.push(`  - section: Part ${n}`, '    steps:');
    for (let k = 0; k < 5 && out.length < lines; k++, n++) {
      out.push(
        `      - id: step-${n}`,
        `        title: Step ${n} of the generated runbook`,
        '        run: |',
        '          set -euo pipefail',
        `          heroku config:set "FLAG_${n}=1" -a "raxx-api-$APP_ENV" >/dev/null 2>&1`,
        '          curl -fsS "https://api.example.com/health" | jq -r .status',
        '        expect:',
        '          exit: 0',
        '          stdout: healthy',
        '        timeout: 5m',
        `        rollback: undo-${n}`,
      );
    }
  }
  out.push('rollback:');
  for (let i = 0; i < n; i++) out.push(`  - id: undo-${i}`, `    run: heroku config:unset "FLAG_${i}" -a "raxx-api-$APP_ENV" >/dev/null 2>&1`);
  return `${out.join('\n')}\n`;
}
