{
  "runsafe_approval": 2,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "runbook_id": "secret-rotation-90-day",
        "runbook_sha256": "7905afeaff2000b2501cd16c9ac5db4ddce9d3986737839640a2de44369f1953",
        "approved_at": "2026-12-02T07:22:50.037Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "Q0Za0VDQNsiV2w4cfY671tcJBcF1WDHGDD7_Bkw05anKYTz65UEmSVPkEMpTcnsc52HZLxVDCXjeGutkBBaRCw"
    }
  ]
}
