{
  "runsafe_approval": 2,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "runbook_id": "signing-demo",
        "runbook_sha256": "5e70043bc61acadea28b40a3732d09583101e0fa74c754acf547ede655b493a1",
        "approved_at": "2026-12-01T22:27:47.758Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "ngWYq6E9pT44TO82vfGC-ABwSruOuFQp3NlrbCJpoYNfBwx-RjlRTm8yWkZfU3fdRAQmoSnngHStcTCOOVjmBw"
    }
  ]
}
