{
  "runsafe_approval": 2,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "runbook_id": "secret-rotation-90-day",
        "runbook_sha256": "f079b9040872426a099ecc72a6ecb4e3b4cd41a86790f2e6b487fd7d6efab04b",
        "approved_at": "2026-12-03T01:42:16.907Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "FSTTo1Ct83b2-M_5iC5cmcOe3YNW7kCu863cOuCjzHHU9RG-Doa_zpEW9ZJzi25IOLU3FCSZ_-By_vQBVEZVCw"
    }
  ]
}
