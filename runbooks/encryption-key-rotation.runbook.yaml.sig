{
  "runsafe_approval": 2,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "runbook_id": "encryption-key-rotation",
        "runbook_sha256": "7850f4e76cc5484b106ed9c6746780e88c4715124291313b7cecdd3daa6bf9c2",
        "approved_at": "2026-12-03T01:26:30.504Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "Upgjign2ycliHMqE9O6LZI1gGFyuIk4PGJAUqFZuOuu9GaQMZRYVzJqhqImIJ_YPpaxTUeDEVTLvMTrV9jmFCQ"
    }
  ]
}
