{
  "runsafe_approval": 2,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "runbook_id": "trace-signing-key-rotation",
        "runbook_sha256": "1e281d7682d85a36da5624347fb2d79f04c7f3a378ba8baa7a01b78986572320",
        "approved_at": "2026-12-03T08:35:07.645Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "sJxCjyHtCwf5g52eBFPgri9CgywhMGKuUlLxGZMzyKgcFrMX8FdYdqooxU3F1p_5DIgt_BXO1MnZzwkTEwBwAw"
    }
  ]
}
