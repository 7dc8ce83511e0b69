{
  "runsafe_approval": 1,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "file": "secret-rotation-90-day.runbook.yaml",
        "runbook_sha256": "cad577bc7fb8f5e1a04fd50cf2c064433eb692b5373d0a8ca6711bbb8c99feb2",
        "approved_at": "2026-11-21T23:35:55.172Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "RS4MuYPM8RT5k1XoOydaD7lEzcyDHY_KqQHPmBoSKTmala4T7RjIQaaQY1JhzzAt4KyNC3tiwW6MLtC088mBBA"
    }
  ]
}
