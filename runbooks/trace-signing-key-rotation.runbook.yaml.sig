{
  "runsafe_approval": 1,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "file": "trace-signing-key-rotation.runbook.yaml",
        "runbook_sha256": "c0513dc160b484a0efc0c22fb0e6f036dd2833fd1b49131e652c1bc522624229",
        "approved_at": "2026-11-21T23:47:40.092Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "kLWlNjtRs9d2pe8DqLSsyJlD5QiNuDuQfwzZdf8_CTbDx0xrReBg_fY5unovAytwDoeZccBFo23LYVml3hH_Cw"
    }
  ]
}
