import { initLint } from './server/src/lint';
import { parseShell } from './server/src/rules/shell/index';
(async () => {
  await initLint();
  const scripts = process.argv.slice(2);
  for (const s of scripts) {
    const p = parseShell(s);
    for (const c of p.commands) console.log(c.id, c.origin, c.depth, c.parentId, JSON.stringify(c.wrappers), c.name, c.args.map((w) => w.value ?? w.text).join(' '), '| out', c.stdout);
    console.log('---');
  }
})();
