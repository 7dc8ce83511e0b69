# Stand-in for the external CLIs the shipped runbooks call (heroku, infisical, curl to the Heroku, Signal and Alpaca APIs and the services' health URLs, vault, aws, helm, kubectl, systemctl, journalctl).
# Used only by test/library: these services cannot be reached from here. Each call appends
# {tool, argv, env_names} to calls.jsonl (the NAMES of the environment variables it received,
# never their values), keeps state in STATE/<tool>.json, and obeys STATE/fail.json rules:
# [{"tool": "heroku", "args": ["config:set", "TRACE_SIGNING_KEY_VERSION"], "exit": 1, "once": true, "drop": false}]
# A rule matches when every string in "args" is a substring of some argument; "drop" makes
# the call succeed without changing state (a write the service lost); "stdout" replaces output.
import json, os, sys

STATE = os.path.dirname(os.path.abspath(__file__))
tool, argv = sys.argv[1], sys.argv[2:]

def load(name, default):
    p = os.path.join(STATE, name + '.json')
    return json.load(open(p)) if os.path.exists(p) else default

def save(name, value):
    json.dump(value, open(os.path.join(STATE, name + '.json'), 'w'), indent=1, sort_keys=True)

with open(os.path.join(STATE, 'calls.jsonl'), 'a') as log:
    log.write(json.dumps({'tool': tool, 'argv': argv, 'env_names': sorted(os.environ)}) + '\n')

rules = load('fail', [])
drop = False
for i, r in enumerate(rules):
    if r['tool'] == tool and all(any(a in x for x in argv) for a in r.get('args', [])):
        if r.get('once'):
            rules.pop(i)
            save('fail', rules)
        if r.get('drop'):
            drop = True
            break
        sys.stdout.write(r.get('stdout', ''))
        sys.stderr.write(r.get('stderr', tool + ': simulated failure\n'))
        sys.exit(r.get('exit', 1))

def opt(name, default=None):
    return argv[argv.index(name) + 1] if name in argv and argv.index(name) + 1 < len(argv) else default

def heroku():
    apps = load('heroku', {})
    cmd = argv[0] if argv else ''
    app = opt('-a') or opt('--app') or ''
    cfg = apps.setdefault(app, {})
    if cmd == 'auth:whoami':
        print('ops@raxx.app')
    elif cmd == 'apps:info':
        print('=== ' + app)
    elif cmd == 'config:get':
        print(cfg.get(argv[1], ''))
    elif cmd == 'config:set':
        for kv in argv[1:]:
            if '=' in kv and not kv.startswith('-'):
                k, v = kv.split('=', 1)
                if not drop:
                    cfg[k] = v
                print('%s: %s' % (k, v))  # the real CLI echoes values too
    elif cmd == 'config:unset':
        for k in argv[1:]:
            if not k.startswith('-'):
                cfg.pop(k, None)
    elif cmd == 'run':
        print(load('heroku-run', {}).get('stdout', 'checked 120 events\nstatus=pass'))
    elif cmd == 'pg:psql':
        sys.stdin.read()
        print('(1 row)')
    save('heroku', apps)

def signal(url):
    # The Datafly Signal API and collector: crypto health from the Helm values, the re-encryption job from STATE/signal-job.json.
    headers = sys.stdin.read() if '@-' in argv else ''
    values = load('helm', {}).get('values', {}).get('encryption', {})
    if '/health/crypto' in url:
        body = {'status': 'healthy', 'dual_key_mode': bool(values.get('previousKey')),
                'checks': {'key_valid': bool(values.get('key')), 'round_trip': True, 'previous_key_valid': bool(values.get('previousKey'))}}
    elif '/admin/crypto/re-encrypt' in url:
        if 'Authorization: Bearer ' not in headers:
            sys.stdout.write('401\n' if opt('-w') else '')
            sys.exit(22 if '-fsS' in argv else 0)
        job = load('signal-job', {'status': 'idle'})
        if opt('-X') == 'POST':
            job = load('signal-job-outcome', {'status': 'completed', 'total_records': 10, 'processed_records': 10, 'failed_records': 0, 'completed_at': '2026-12-01T00:00:00Z'})
            save('signal-job', job)
        body = job
    else:
        body = {}
    if opt('-o') != '/dev/null':
        sys.stdout.write(json.dumps(body) + '\n')
    if opt('-w'):
        sys.stdout.write('200\n')

def helm():
    st = load('helm', {'values': {}, 'upgrades': 0})
    if argv[0] == 'status':
        print(json.dumps({'info': {'status': 'deployed'}}))
    elif argv[:2] == ['get', 'values']:
        print(json.dumps(st['values']))
    elif argv[0] == 'upgrade':
        if '-f' in argv and opt('-f') == '-':
            def merge(a, b):
                for k, v in b.items():
                    if v is None:
                        a.pop(k, None)
                    elif isinstance(v, dict):
                        merge(a.setdefault(k, {}), v)
                    else:
                        a[k] = v
            if not drop:
                merge(st['values'], json.loads(sys.stdin.read()))
        st['upgrades'] = st.get('upgrades', 0) + 1
        print('Release "%s" has been upgraded.' % argv[1])
    save('helm', st)

def alpaca(url):
    # The Alpaca Trading API's account endpoint: 200 for a key pair STATE/alpaca.json holds ({"keys": {id: secret}}), else 401.
    headers = dict(l.split(': ', 1) for l in (sys.stdin.read() if '@-' in argv else '').splitlines() if ': ' in l)
    keys = load('alpaca', {}).get('keys', {})
    ok = keys.get(headers.get('APCA-API-KEY-ID', '')) == headers.get('APCA-API-SECRET-KEY') and headers.get('APCA-API-SECRET-KEY')
    w = opt('-w')
    if opt('-o') != '/dev/null':
        sys.stdout.write(json.dumps({'status': 'ACTIVE'} if ok else {'message': 'unauthorized'}) + '\n')
    if w:
        sys.stdout.write(w.replace('%{http_code}', '200' if ok else '401').replace('\\n', '\n'))

def local_service(url):
    # Services on this host (the trading services' /health on 8000-8003, the API's /health and /ready):
    # STATE/health.json maps "port/path" or "port" to a status; anything but healthy/ready answers 503.
    port, _, path = url.split('://', 1)[1].split(':', 1)[1].partition('/')
    st = load('health', {})
    status = st.get(port + '/' + path, st.get(port, 'ready' if path == 'ready' else 'healthy'))
    code = 200 if status in ('healthy', 'ready') else 503
    short = ''.join(a[1:] for a in argv if a.startswith('-') and not a.startswith('--'))
    if code != 200 and 'f' in short:
        sys.stderr.write('curl: (22) The requested URL returned error: %d\n' % code)
        sys.exit(22)
    sys.stdout.write(json.dumps({'status': status}) + '\n')
    w = opt('-w')
    if w:
        sys.stdout.write(w.replace('%{http_code}', str(code)).replace('\\n', '\n'))

def curl():
    url = next(a for a in argv if a.startswith('http'))
    if 'alpaca.markets' in url:
        return alpaca(url)
    if url.startswith('http://localhost:'):
        return local_service(url)
    if 'api.heroku.com' not in url:
        return signal(url)
    # The Heroku Platform API config-vars endpoint.
    app = url.split('/apps/')[1].split('/')[0]
    apps = load('heroku', {})
    cfg = apps.setdefault(app, {})
    if opt('-X') == 'PATCH':
        body = json.loads(sys.stdin.read())
        if not drop:
            cfg.update(body)
        save('heroku', apps)
    out = json.dumps(cfg)
    if opt('-o') != '/dev/null':
        sys.stdout.write(out)
    w = opt('-w')
    if w:
        sys.stdout.write(w.replace('%{http_code}', '200').replace('\\n', '\n'))

def infisical():
    store = load('infisical', {})
    where = '%s:%s' % (opt('--env', ''), opt('--path', '/'))
    if argv[:2] == ['user', 'get']:
        print('ops@raxx.app')
    elif argv[:2] == ['secrets', 'set']:
        f = opt('--file')
        pairs = [l.split('=', 1) for l in open(f).read().splitlines() if '=' in l] if f else [a.split('=', 1) for a in argv[2:] if '=' in a and not a.startswith('-')]
        for k, v in pairs:
            if not drop:
                store['%s/%s' % (where, k)] = v
            print('| %s | %s |' % (k, v))  # the real CLI's table shows values
        save('infisical', store)
    elif argv[:2] == ['secrets', 'get']:
        key = '%s/%s' % (where, argv[2])
        if key not in store:
            sys.stderr.write('error: secret not found\n')
            sys.exit(1)
        print(store[key])
    else:
        print('ok')

def vault():
    # Vault's KV engine: values in STATE/vault.json {"kv": {path: value}, "meta": {path: {k: v}}}; `value=-` reads stdin.
    st = load('vault', {'kv': {}, 'meta': {}})
    path = argv[-1] if argv else ''
    if argv[:2] == ['token', 'lookup']:
        print('{"data": {"policies": ["rotation"]}}')
    elif argv[:2] == ['kv', 'get']:
        if path not in st['kv']:
            sys.stderr.write('No value found at %s\n' % path)
            sys.exit(2)
        sys.stdout.write(st['kv'][path])
    elif argv[:2] == ['kv', 'put']:
        path = argv[2]
        value = sys.stdin.read() if 'value=-' in argv else next(a.split('=', 1)[1] for a in argv[3:] if a.startswith('value='))
        if not drop:
            st['kv'][path] = value
        print('Success! Data written to: %s' % path)
    elif argv[:3] == ['kv', 'metadata', 'put']:
        meta = st['meta'].setdefault(path, {})
        for a in argv[3:-1]:
            if a.startswith('-custom-metadata='):
                k, v = a[len('-custom-metadata='):].split('=', 1)
                meta[k] = v
    elif argv[:3] == ['kv', 'metadata', 'get']:
        print(json.dumps({'data': {'custom_metadata': st['meta'].get(path, {})}}))
    save('vault', st)

def generic():
    if not sys.stdin.isatty():
        try:
            sys.stdin.read()
        except Exception:
            pass
    print(load(tool + '-out', {}).get(' '.join(argv), 'ok'))

{'heroku': heroku, 'curl': curl, 'infisical': infisical, 'helm': helm, 'vault': vault}.get(tool, generic)()
