{
  "runsafe_approval": 2,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "runbook_id": "encryption-key-rotation",
        "runbook_sha256": "63593e3db700c13d35afa5b32585fcfa989318411f7f66ff7459f44ba3273c23",
        "approved_at": "2026-12-01T23:54:57.395Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "2x18ydUGIWmszch1dBotY5Se1rImmNWWoWYX6hguVmBxsF0YB12E-mIG4I7jtpEMRa4qjbiOS0t__wZ2XGftCw"
    }
  ]
}
