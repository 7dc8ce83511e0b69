{
  "runsafe_approval": 1,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "file": "trace-signing-key-rotation.runbook.yaml",
        "runbook_sha256": "a2c7e8422acb94992e18d2bd35a256bc2a26cc9d1b9c985117beef3c26f89127",
        "approved_at": "2026-11-21T23:35:57.208Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "fGzQTmDsuNnlF2f4kFyPQqI1q2ziiVUVhzss2oNZoPMMrC5fUVURwUOcJVqfdbnAP6RN90Rcz8jgxUt1P7HPAg"
    }
  ]
}
