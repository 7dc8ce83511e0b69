{
  "runsafe_approval": 1,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "file": "operator.runbook.yaml",
        "runbook_sha256": "8a0c4fb3eb9a05283b90dd612a6fee273bf7a97f3832a1f2a2c0923e37b1dd76",
        "approved_at": "2026-11-21T23:47:38.725Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "zvJYlV_XRDxvhfxL3gE15lOYjQB8yKT7Ch01pjuFLFbq4KYvdpo1J_mxtWE6eXlkptp-65OZD2-MlkHv9He0Aw"
    }
  ]
}
