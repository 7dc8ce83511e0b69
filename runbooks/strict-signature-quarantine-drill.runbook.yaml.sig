{
  "runsafe_approval": 1,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "file": "strict-signature-quarantine-drill.runbook.yaml",
        "runbook_sha256": "62b92afee29605d86a317ead1e83f21deb0535788ed7335b33ecf03a2b3c4b72",
        "approved_at": "2026-11-21T23:35:56.311Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "Oqq-PRFCoe8os-OK5I32J3YB-JpTY_O4oXJqOhb3WS4c7bj5D18UUjZr1abfldFJOBQRJvDv09P-FP6qNJQbBQ"
    }
  ]
}
