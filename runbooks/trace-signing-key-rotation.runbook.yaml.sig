{
  "runsafe_approval": 2,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "runbook_id": "trace-signing-key-rotation",
        "runbook_sha256": "e51213e343524a9ba6a468514edc21864a62659bfcd82f50a96d67a3c73cea15",
        "approved_at": "2026-12-02T07:22:55.824Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "gADvZqJRulhS6oZhirtD4pwHRWIs_xUvMTzRuIkrfvV8kn-30F7yHzwpmecGcGaBd23DedIv_tElnHWjMXnxAA"
    }
  ]
}
