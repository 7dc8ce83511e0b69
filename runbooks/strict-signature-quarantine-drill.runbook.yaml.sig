{
  "runsafe_approval": 1,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "file": "strict-signature-quarantine-drill.runbook.yaml",
        "runbook_sha256": "688ca6fd5d1807d71188cac5e3fa1251b33d456612b118e93cb529eecab5250c",
        "approved_at": "2026-11-21T23:57:46.435Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "BYPomE16ukLay-Pxh5PlgdAauRb_HkKTuMKSzFwy6xBwARzZdcy7CV3HosElJnxOmbcOnkI-8UTIIu3MLdaLDQ"
    }
  ]
}
