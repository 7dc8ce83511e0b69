{
  "runsafe_approval": 1,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "file": "encryption-key-rotation.runbook.yaml",
        "runbook_sha256": "bab7fad73f3866d502ca422876dfaefa5013d94c159ec03028fd8fb7cecb09fd",
        "approved_at": "2026-11-21T23:35:49.080Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "aTfJytBDvZVhhqiVxMtXvZxYDcuteGWTG0E2bC625Vildw-xJYadZ2dB-KvuLZvJLVkBeBFZmOIwpSSbDQvlBA"
    }
  ]
}
