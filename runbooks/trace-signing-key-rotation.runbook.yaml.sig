{
  "runsafe_approval": 2,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "runbook_id": "trace-signing-key-rotation",
        "runbook_sha256": "972017ce58e7b37970e09eacadb0dd611266f15e7224d1bae2c04a2ab54e8b84",
        "approved_at": "2026-12-02T18:04:00.551Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "EBaPtueilCB6yxSR2BlvZ2k9dkQ49GnbmM2If4ZCSNW6C_I-KhOp95vbEIvjJ7USbhbYg67S9BmceALjIKRDAQ"
    }
  ]
}
