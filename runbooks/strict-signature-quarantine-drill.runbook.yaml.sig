{
  "runsafe_approval": 1,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "file": "strict-signature-quarantine-drill.runbook.yaml",
        "runbook_sha256": "2f30ee9140fc94f32daf5e4bd988613e1642baa3f8718cd12ef8e12b35d2f212",
        "approved_at": "2026-11-21T23:47:39.677Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "FSJRoCyqcWl6ecThVTZ39x8frE6YWyCpFhvVJavkCX355Xf-x6VREASfdG5ks9zD00ScVjM0DopVHfuxVWg-Bg"
    }
  ]
}
