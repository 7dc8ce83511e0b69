{
  "runsafe_approval": 2,
  "signatures": [
    {
      "statement": {
        "type": "runbook-approval",
        "runbook_id": "secret-rotation-90-day",
        "runbook_sha256": "23e8b1d1ae80ff89526b5aa03099df303c86119031930ebeb2fa91a11aea63e4",
        "approved_at": "2026-12-03T08:35:03.110Z",
        "key_id": "b4cebbd1dc8d284b",
        "identity": "demo-approver (PUBLIC TEST KEY, examples only)"
      },
      "sig": "95bghy4nGl8ppOORRwWXn3Qv6m5aqxBTWd234QIDVmj0-E1__RAtAI8_lB7gGiUdGH_ZnO_7p2WV0tETtoSiDA"
    }
  ]
}
