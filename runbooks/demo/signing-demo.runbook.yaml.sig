{
  "runsafe_approval": 1,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "file": "signing-demo.runbook.yaml",
        "runbook_sha256": "d9581867c6a73ef3f3b96f316265c0e7aed86bac51becbf2f8dc7ba5d038903d",
        "approved_at": "2026-11-22T00:46:46.028Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "tG3NaIVFvGLJZIKUeMBcTF0YbiF4cPlWF0UJVL5zBXvGCeuMXc9YC4HyR8fD2e_dYeYS_QJgIaK7HWokDPuJBw"
    }
  ]
}
