{
  "runsafe_approval": 2,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "runbook_id": "encryption-key-rotation",
        "runbook_sha256": "9d8a30a3d1bef60724e5f61dcb009d54484042825d83a607820923d2e5d0b082",
        "approved_at": "2026-12-02T07:22:45.126Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "vRWt-_ALKx6qp1eHcMZal-5rVfDIxf0YqyZGU4v7dsHC1XCC0ersweEI0sW4WsPG1Tzly1x-sc5Lc8TEuUSAAg"
    }
  ]
}
