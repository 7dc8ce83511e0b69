{
  "runsafe_approval": 1,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "file": "secret-rotation-90-day.runbook.yaml",
        "runbook_sha256": "39f7b64d9dfff58b8e2370640412988017badc2b2c082c8debcbe8198180b278",
        "approved_at": "2026-11-21T23:57:45.905Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "aOUIG1k_NxPUDjLfJq83Cj64MRBYkGn3FxhvMG9LMw5NExKNDDcx1fR5-FxCs3KatDtDqHHbgBR8Z6MHFxh0BQ"
    }
  ]
}
