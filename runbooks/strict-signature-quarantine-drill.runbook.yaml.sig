{
  "runsafe_approval": 2,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "runbook_id": "strict-signature-quarantine-drill",
        "runbook_sha256": "9ace643fbb0cf685dd5d0e8d318fdfc22b8e799fb043b32b42b3f13be6eefb18",
        "approved_at": "2026-12-02T00:01:49.967Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "VQcvEy-3lG9wXiqAeYckbJd4VTW4uUioCmVkl5Pjv4Lc0ZW8rXoCz58QiZqY52Hxyy7jPiiiwxe1N4IQRcOMBA"
    }
  ]
}
